import type { DecisionSummary, EnvelopeReport, EnvelopeSummary } from "../../autonomy";
import { pauseOf } from "../../autonomy";
import { formatTime, sessionHref } from "./format";
import { Layout } from "./layout";

/**
 * The autonomy page (DESIGN §12): the pause switch with its button, and per envelope the mode and
 * shadow mode's record — what an operator reads before turning `shadow` into `on`.
 */
export function AutonomyPage(props: { report: EnvelopeReport; labelMinutes: number }) {
  const { report } = props;
  const withFix = report.envelopes.filter((envelope) => envelope.fix_name !== null);
  return (
    <Layout title="Autonomy" nav="autonomy">
      <h1>Autonomy</h1>
      <PauseCard report={report} />
      <h2>Fix envelopes</h2>
      <p class="muted">
        Modes come from <code>KORA_PROBE_AUTOFIX_&lt;PROBE&gt;_ENABLED</code>, read now: <code>off</code>,{" "}
        <code>shadow</code> (decides, records, changes nothing) or <code>on</code>. Shadow decisions of the last{" "}
        {report.window.days} days; each is labeled <em>needed</em> when the target was still unhealthy{" "}
        {props.labelMinutes} minutes later or someone fixed it, <em>unneeded</em> when it recovered on its own.
        Precision = needed ÷ labeled.
      </p>
      <div class="scroll">
        <table class="envelopes stack">
          <thead>
            <tr>
              <th>Probe</th>
              <th>Mode</th>
              <th>Now</th>
              <th>Decisions</th>
              <th>Needed</th>
              <th>Unneeded</th>
              <th>Pending</th>
              <th>Precision</th>
            </tr>
          </thead>
          <tbody>
            {withFix.map((envelope) => (
              <EnvelopeRow envelope={envelope} />
            ))}
          </tbody>
        </table>
      </div>
      {withFix
        .filter((envelope) => envelope.last_decisions.length > 0)
        .map((envelope) => (
          <DecisionList envelope={envelope} />
        ))}
      <h2>Rolling out autonomy</h2>
      <ol class="muted">
        <li>
          Start with the envelope <code>off</code>: Kora recommends, you approve from Slack.
        </li>
        <li>
          Set it to <code>shadow</code> and let a few incidents come: Kora decides and records what it would have done,
          and changes nothing.
        </li>
        <li>Read the precision here. Low precision means restarts that were not needed.</li>
        <li>
          Set it to <code>on</code> when you trust it; pause here or with <code>/kora pause</code> whenever in doubt.
        </li>
      </ol>
    </Layout>
  );
}

function PauseCard({ report }: { report: EnvelopeReport }) {
  const pause = pauseOf(report.autonomy);
  const last = report.autonomy.last_change;
  return (
    <section class={`card pause ${pause.paused ? "error" : ""}`} data-paused={pause.paused ? "true" : "false"}>
      <h3>
        {pause.paused ? "Paused" : "Running"}
        <span class={`badge ${pause.paused ? "bad" : "ok"}`}>{pause.paused ? "paused" : "running"}</span>
      </h3>
      {pause.paused ? (
        <p>
          Paused by <strong>{pause.paused_by}</strong> since {formatTime(pause.paused_at)}
          {pause.reason ? <> — “{pause.reason}”</> : null}. No envelope acts on its own; approvals from Slack still
          work.
        </p>
      ) : (
        <p>
          Each envelope acts as its variable says.
          {last ? ` Last resumed by ${last.by} at ${formatTime(last.at)}.` : ""}
        </p>
      )}
      <form method="post" action={pause.paused ? "/autonomy/resume" : "/autonomy/pause"} class="inline">
        <label for="reason" class="muted">
          Why (optional)
        </label>
        <input id="reason" name="reason" type="text" maxlength={300} />
        <button type="submit">{pause.paused ? "Resume autonomy" : "Pause autonomy"}</button>
      </form>
    </section>
  );
}

function EnvelopeRow({ envelope }: { envelope: EnvelopeSummary }) {
  return (
    <tr data-probe={envelope.probe}>
      <td data-label="Probe">{envelope.probe}</td>
      <td data-label="Mode" class="mode">
        <code>{envelope.mode}</code>
      </td>
      <td data-label="Now" class={`effective ${effectiveTone(envelope.effective)}`}>
        {envelope.effective}
      </td>
      <td data-label="Decisions" class="decisions">
        {envelope.decisions}
      </td>
      <td data-label="Needed" class="needed">
        {envelope.needed}
      </td>
      <td data-label="Unneeded" class="unneeded">
        {envelope.unneeded}
      </td>
      <td data-label="Pending">{envelope.pending}</td>
      <td data-label="Precision" class="precision">
        {formatPrecision(envelope)}
      </td>
    </tr>
  );
}

function DecisionList({ envelope }: { envelope: EnvelopeSummary }) {
  return (
    <section class="card decisions" data-probe={envelope.probe}>
      <h3>Last shadow decisions · {envelope.probe}</h3>
      <div class="scroll">
        <table class="stack">
          <thead>
            <tr>
              <th>Decided</th>
              <th>Target</th>
              <th>Would have run</th>
              <th>Label</th>
              <th>Incident</th>
            </tr>
          </thead>
          <tbody>
            {envelope.last_decisions.map((decision) => (
              <DecisionRow decision={decision} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function DecisionRow({ decision }: { decision: DecisionSummary }) {
  return (
    <tr data-decision={decision.decision_id}>
      <td data-label="Decided">{formatTime(decision.decided_at)}</td>
      <td data-label="Target">
        {decision.target_id}
        {decision.fly_app ? ` in ${decision.fly_app}` : ""}
      </td>
      <td data-label="Would have run">{decision.would_take ?? "—"}</td>
      <td data-label="Label" class={`label ${decision.label === "needed" ? "ok" : decision.label ? "warn" : "muted"}`}>
        {labelText(decision)}
      </td>
      <td data-label="Incident">
        <a href={sessionHref(decision.caller_session_id)}>{decision.caller_session_id}</a>
      </td>
    </tr>
  );
}

function labelText(decision: DecisionSummary): string {
  switch (decision.label) {
    case "needed":
      return decision.why === "fixed" ? "needed (fixed by someone)" : "needed (still unhealthy)";
    case "unneeded":
      return `unneeded (recovered after ${decision.minutes_to_recovery ?? "?"} min)`;
    case null:
      return "pending";
  }
}

function formatPrecision(envelope: EnvelopeSummary): string {
  if (envelope.precision === null) return "—";
  return `${Math.round(envelope.precision * 100)}% (${envelope.needed} of ${envelope.needed + envelope.unneeded})`;
}

function effectiveTone(effective: EnvelopeSummary["effective"]): string {
  switch (effective) {
    case "on":
      return "ok";
    case "shadow":
      return "warn";
    case "paused":
      return "bad";
    case "off":
      return "muted";
  }
}
