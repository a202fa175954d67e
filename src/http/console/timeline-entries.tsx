import type { StoredAuditRow } from "../../audit/queries";
import type { TimelineEntry } from "../../audit/timeline";
import type { StoredDmLogEntry } from "../../audit/dm-log";
import {
  parseSeamDetails,
  type AutofixAttemptDetails,
  type InvestigationCompletedDetails,
  type MachineSnapshot,
  type WakeRequestedDetails,
} from "../../contracts";
import { formatCount, formatTime, formatUsd, tone } from "./format";

export function TimelineEntryCard({ entry }: { entry: TimelineEntry }) {
  return entry.kind === "dm" ? <DmCard row={entry.row} /> : <AuditCard row={entry.row} />;
}

function AuditCard({ row }: { row: StoredAuditRow }) {
  switch (row.seam) {
    case "probe.wake_requested": {
      const details = parseSeamDetails(row.seam, row.details);
      return details.ok ? <WakeCard row={row} details={details.value} /> : <RawCard row={row} />;
    }
    case "tool.probe_autofix_attempted": {
      const details = parseSeamDetails(row.seam, row.details);
      return details.ok ? <AutofixCard row={row} details={details.value} /> : <RawCard row={row} />;
    }
    case "probe.investigation_completed": {
      const details = parseSeamDetails(row.seam, row.details);
      return details.ok ? <CompletedCard row={row} details={details.value} /> : <RawCard row={row} />;
    }
    default:
      return <RawCard row={row} />;
  }
}

function Heading(props: { title: string; at: string; source?: string; badge?: string | null | undefined }) {
  return (
    <>
      <h3>
        {props.title}
        {props.badge ? <span class={`badge ${tone(props.badge)}`}>{props.badge}</span> : null}
      </h3>
      <p class="meta">
        {formatTime(props.at)}
        {props.source ? ` · ${props.source}` : ""}
      </p>
    </>
  );
}

function WakeCard({ row, details }: { row: StoredAuditRow; details: WakeRequestedDetails }) {
  const summary = details.detail.summary;
  return (
    <article class="card entry seen" data-seam={row.seam}>
      <Heading title="Seen: wake requested" at={row.emitted_at} source={row.source} badge={details.status} />
      <dl class="kv">
        <dt>Probe</dt>
        <dd>{details.probe ?? "—"}</dd>
        <dt>Target</dt>
        <dd>{details.target ?? "—"}</dd>
        <dt>Unhealthy for</dt>
        <dd>{details.consecutive_unhealthy ?? "—"} cycles</dd>
        <dt>Observed</dt>
        <dd>{formatTime(details.observed_at)}</dd>
        {typeof summary === "string" ? (
          <>
            <dt>Detail</dt>
            <dd>{summary}</dd>
          </>
        ) : null}
      </dl>
      <RawDetails details={row.details} />
    </article>
  );
}

function gateResult(details: AutofixAttemptDetails): string {
  if (details.status === "rejected") return `refused: ${details.rejection_reason ?? "no reason recorded"}`;
  if (details.status === "attempted" || details.status === "failed") return "all gates passed";
  return "—";
}

function AutofixCard({ row, details }: { row: StoredAuditRow; details: AutofixAttemptDetails }) {
  return (
    <article class="card entry autofix" data-seam={row.seam}>
      <Heading title="Autofix attempt" at={row.emitted_at} source={row.source} badge={details.status} />
      <dl class="kv">
        <dt>Action</dt>
        <dd>
          {details.action ?? "—"}
          {details.action_canonical && details.action_canonical !== details.action
            ? ` (${details.action_canonical})`
            : ""}
        </dd>
        <dt>Target</dt>
        <dd>
          {details.target_id ?? "—"}
          {details.fly_app ? ` in ${details.fly_app}` : ""}
        </dd>
        <dt>Gates</dt>
        <dd class={`gate-result ${details.status === "rejected" ? "warn" : "ok"}`}>{gateResult(details)}</dd>
        {details.outcome ? (
          <>
            <dt>Outcome</dt>
            <dd class={`outcome ${tone(details.outcome)}`}>{details.outcome}</dd>
          </>
        ) : null}
        {details.error ? (
          <>
            <dt>Error</dt>
            <dd class="bad error-text">
              {details.error.kind}: {details.error.message}
            </dd>
          </>
        ) : null}
        {details.approved_by ? (
          <>
            <dt>Approved by</dt>
            <dd>{details.approved_by}</dd>
          </>
        ) : null}
        <dt>Why (model)</dt>
        <dd>{details.reason_from_reasoning ?? "—"}</dd>
        {typeof details.executor_duration_ms === "number" ? (
          <>
            <dt>Took</dt>
            <dd>{formatCount(details.executor_duration_ms)} ms</dd>
          </>
        ) : null}
      </dl>
      {details.before_state || details.after_state ? (
        <StateTable before={details.before_state ?? null} after={details.after_state ?? null} />
      ) : null}
      <RawDetails details={row.details} />
    </article>
  );
}

function StateTable(props: { before: MachineSnapshot | null; after: MachineSnapshot | null }) {
  const fields = ["state", "name", "region", "instance_id"] as const;
  return (
    <div class="scroll">
      <table class="machine-states">
        <thead>
          <tr>
            <th>Machine</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field) => (
            <tr>
              <th>{field}</th>
              <td>{props.before?.[field] ?? "—"}</td>
              <td>{props.after?.[field] ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CompletedCard({ row, details }: { row: StoredAuditRow; details: InvestigationCompletedDetails }) {
  return (
    <article class="card entry completed" data-seam={row.seam}>
      <Heading title="Investigation completed" at={row.emitted_at} source={row.source} badge={details.dm_status} />
      <dl class="kv">
        <dt>Model</dt>
        <dd>{details.model ?? "none (engine unavailable)"}</dd>
        <dt>Cost</dt>
        <dd class="cost">{formatUsd(details.cost_usd)}</dd>
        <dt>Tokens</dt>
        <dd class="tokens">
          {formatCount(details.input_tokens)} in · {formatCount(details.output_tokens)} out ·{" "}
          {formatCount(details.cache_read_input_tokens)} cache read · {formatCount(details.cache_creation_input_tokens)}{" "}
          cache write
        </dd>
        <dt>Turns</dt>
        <dd>
          {details.turns ?? "—"} in {formatCount(details.duration_ms)} ms
        </dd>
        <dt>Autofix</dt>
        <dd>{details.autofix_attempted ? "attempted" : "not attempted"}</dd>
      </dl>
      {details.summary ? <p>{details.summary}</p> : null}
    </article>
  );
}

function DmCard({ row }: { row: StoredDmLogEntry }) {
  return (
    <article class="card entry dm" data-dm-status={row.dm_status}>
      <Heading title={`DM (${row.kind})`} at={row.created_at} badge={row.dm_status} />
      <p class="meta">
        {row.channel ? `to ${row.channel}` : "no channel"}
        {row.slack_ts ? ` · ts ${row.slack_ts}` : ""}
      </p>
      {row.error ? <p class="bad">Error: {row.error}</p> : null}
      <pre class="dm-text">{row.text}</pre>
    </article>
  );
}

function RawCard({ row }: { row: StoredAuditRow }) {
  return (
    <article class="card entry" data-seam={row.seam}>
      <Heading title={row.seam} at={row.emitted_at} source={row.source} />
      <pre>{JSON.stringify(row.details, null, 2)}</pre>
    </article>
  );
}

function RawDetails({ details }: { details: Record<string, unknown> }) {
  return (
    <details>
      <summary class="meta">All details</summary>
      <pre>{JSON.stringify(details, null, 2)}</pre>
    </details>
  );
}

/** A page of timeline entries with the links to the start and to the next page. */
export function TimelineList(props: {
  entries: TimelineEntry[];
  base: string;
  first_page: boolean;
  next_cursor: string | null;
}) {
  return (
    <>
      {props.entries.length === 0 ? <p class="muted">Nothing recorded.</p> : null}
      <ol class="timeline">
        {props.entries.map((entry) => (
          <li>
            <TimelineEntryCard entry={entry} />
          </li>
        ))}
      </ol>
      <p class="pager">
        {props.first_page ? null : <a href={props.base}>← From the start</a>}{" "}
        {props.next_cursor ? (
          <a href={`${props.base}?cursor=${encodeURIComponent(props.next_cursor)}`}>Later entries →</a>
        ) : null}
      </p>
    </>
  );
}
