import type { IncidentRecord, IncidentStatus } from "../../audit/incidents";
import type { IncidentFix } from "../../audit/incident-activity";
import { incidentDowntime, type IncidentLife } from "../incident-life";
import { formatDuration, formatTime, formatUsd, incidentHref, tone } from "./format";
import { Layout } from "./layout";
import { LifeBar, LifeLegend } from "./life-bar";

export interface IncidentsView {
  status: IncidentStatus | undefined;
  rows: { record: IncidentRecord; life: IncidentLife }[];
  next_cursor: string | null;
  now: Date;
}

const CHIPS: [IncidentStatus | undefined, string][] = [
  [undefined, "All"],
  ["escalated", "Escalated"],
  ["open", "Open"],
  ["resolved", "Resolved"],
];

function chipHref(status: IncidentStatus | undefined, cursor?: string): string {
  const query = new URLSearchParams();
  if (status) query.set("status", status);
  if (cursor) query.set("cursor", cursor);
  const text = query.toString();
  return text ? `/?${text}` : "/";
}

/** The console's home: every incident, the ones someone may have to act on first. */
export function IncidentsPage(view: IncidentsView) {
  return (
    <Layout title="Incidents" nav="incidents">
      <h1>Incidents</h1>
      <ul class="chips" aria-label="Filter by status">
        {CHIPS.map(([status, label]) => (
          <li>
            <a class="chip" href={chipHref(status)} aria-current={view.status === status ? "page" : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
      {view.rows.length === 0 ? (
        <p class="muted">
          No {view.status ?? ""} incidents{view.status ? "" : " yet"}. Kora opens one when a target stays unhealthy; the{" "}
          <a href="/investigations">investigations</a> and the <a href="/status">status page</a> show what it has seen
          so far.
        </p>
      ) : (
        <>
          <LifeLegend />
          {view.rows.map(({ record, life }, index) => (
            <IncidentCard record={record} life={life} index={index} now={view.now} />
          ))}
        </>
      )}
      {view.next_cursor ? (
        <p class="pager">
          <a href={chipHref(view.status, view.next_cursor)}>More incidents →</a>
        </p>
      ) : null}
    </Layout>
  );
}

function IncidentCard(props: { record: IncidentRecord; life: IncidentLife; index: number; now: Date }) {
  const { incident, targets, activity } = props.record;
  const down = incidentDowntime(incident, props.now);
  const names = targets.map((target) => target.target);
  return (
    <article class="card incident" data-incident-id={incident.id} data-status={incident.status}>
      <h3>
        <a href={incidentHref(incident.id)}>
          {incident.probe} · {names.slice(0, 3).join(", ") || "no targets recorded"}
          {names.length > 3 ? ` +${names.length - 3} more` : ""}
        </a>
        <span class={`badge ${tone(incident.status)}`}>{incident.status}</span>
        {incident.escalation_reason ? <span class="badge bad">{incident.escalation_reason}</span> : null}
      </h3>
      <p class="meta">
        Opened {formatTime(incident.opened_at)} ·{" "}
        <span class={`down ${down.until ? "" : "bad"}`}>
          {down.until ? `was down ${formatDuration(down.ms)}` : `down for ${formatDuration(down.ms)}, still down`}
        </span>{" "}
        · <span class="fixes">{describeFixes(activity.fixes)}</span> · cost{" "}
        <span class="cost">{formatUsd(activity.cost_usd)}</span>
        {incident.resolved_by ? ` · resolved by ${incident.resolved_by}` : ""}
      </p>
      <LifeBar id={`life-${props.index}`} life={props.life} lanes={3} />
    </article>
  );
}

export function describeFixes(fixes: readonly IncidentFix[]): string {
  if (fixes.length === 0) return "no fixes";
  const outcomes = fixes.map((fix) => fix.outcome ?? fix.status);
  return `${fixes.length} ${fixes.length === 1 ? "fix" : "fixes"} (${outcomes.join(", ")})`;
}
