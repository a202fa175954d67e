import type { IncidentDetail } from "../../audit/incidents";
import type { InvestigationRow } from "../../audit/investigations";
import type { SessionTimeline } from "../../audit/timeline";
import { incidentDowntime, type IncidentLife } from "../incident-life";
import { formatDuration, formatTime, formatUsd, incidentHref, sessionHref, tone } from "./format";
import { describeFixes } from "./incidents-page";
import { Layout } from "./layout";
import { LifeBar, LifeLegend, lifeSentences } from "./life-bar";
import { TimelineList } from "./timeline-entries";

/** One incident: what it is now, its life as a picture, each wake, then every row in order. */
export function IncidentPage(props: {
  detail: IncidentDetail;
  life: IncidentLife;
  timeline: SessionTimeline;
  next_cursor: string | null;
  first_page: boolean;
  now: Date;
}) {
  const { incident, targets, activity, investigations } = props.detail;
  const down = incidentDowntime(incident, props.now);
  const base = incidentHref(incident.id);
  return (
    <Layout title={`Incident ${incident.id}`} nav="incidents">
      <h1>
        Incident <code>{incident.id}</code>
      </h1>
      <section class="card incident-summary" data-status={incident.status}>
        <h3>
          {incident.probe}
          <span class={`badge ${tone(incident.status)}`}>{incident.status}</span>
        </h3>
        <dl class="kv">
          <dt>Targets</dt>
          <dd class="targets">
            {targets.map((target) => `${target.target}${target.fly_app ? ` (${target.fly_app})` : ""}`).join(", ") ||
              "—"}
          </dd>
          <dt>Opened</dt>
          <dd>{formatTime(incident.opened_at)}</dd>
          <dt>Down</dt>
          <dd class="down">
            {down.until
              ? `${formatDuration(down.ms)}, ${formatTime(down.since)} → ${formatTime(down.until)}`
              : `${formatDuration(down.ms)} so far, since ${formatTime(down.since)}`}
          </dd>
          <dt>Fixes</dt>
          <dd class="fixes">{describeFixes(activity.fixes)}</dd>
          <dt>Cost</dt>
          <dd class="cost">{formatUsd(activity.cost_usd)}</dd>
          {incident.escalated_at ? (
            <>
              <dt>Escalated</dt>
              <dd class="bad">
                {formatTime(incident.escalated_at)}: {incident.escalation_reason ?? "no reason recorded"}
              </dd>
            </>
          ) : null}
          {incident.resolved_at ? (
            <>
              <dt>Resolved</dt>
              <dd class="ok">
                {formatTime(incident.resolved_at)}
                {incident.resolved_by ? ` by ${incident.resolved_by}` : ""}
              </dd>
            </>
          ) : null}
        </dl>
      </section>

      <h2>Life</h2>
      <LifeLegend />
      <LifeBar id="life" life={props.life} />
      <details class="changes" open>
        <summary class="meta">In words</summary>
        <ol class="life-text">
          {lifeSentences(props.life).map((sentence) => (
            <li>{sentence}</li>
          ))}
        </ol>
      </details>

      <h2>Wakes</h2>
      {activity.wakes.length === 0 ? <p class="muted">No wake recorded (yet).</p> : null}
      {activity.wakes.map((wake, index) => (
        <WakeCard
          wake_id={wake.wake_id}
          first={index === 0}
          at={wake.at}
          target={wake.target}
          investigation={investigations.find((row) => row.wake_id === wake.wake_id)}
        />
      ))}

      <h2>{props.first_page ? "Timeline" : "Timeline (continued)"}</h2>
      <p class="meta">
        Every row of the incident, every wake in it: also at <a href={sessionHref(incident.id)}>the session view</a> and{" "}
        <code>/api/sessions/{incident.id}/timeline</code>.
      </p>
      <TimelineList
        entries={props.timeline.entries}
        base={base}
        first_page={props.first_page}
        next_cursor={props.next_cursor}
      />
    </Layout>
  );
}

function WakeCard(props: {
  wake_id: string;
  first: boolean;
  at: string;
  target: string;
  investigation: InvestigationRow | undefined;
}) {
  const investigation = props.investigation;
  return (
    <article class="card wake" data-wake-id={props.wake_id}>
      <h3>
        {props.first ? "Opening wake" : "Follow-up wake"} · {props.target}
        {investigation ? <span class={`badge ${tone(investigation.status)}`}>{investigation.status}</span> : null}
        {investigation?.dm_status ? (
          <span class={`badge ${tone(investigation.dm_status)}`}>{investigation.dm_status}</span>
        ) : null}
      </h3>
      <p class="meta">
        {formatTime(props.at)} · <code>{props.wake_id}</code>
        {investigation ? ` · ${investigation.model ?? "no model"} · ${formatUsd(investigation.cost_usd)}` : ""}
      </p>
      {investigation?.summary ? <p>{investigation.summary}</p> : null}
      {investigation ? null : (
        <p class="muted">
          {props.first
            ? "Not investigated yet."
            : "No investigation: a follow-up wake escalates to you without the model."}
        </p>
      )}
    </article>
  );
}
