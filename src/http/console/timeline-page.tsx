import type { SessionTimeline } from "../../audit/timeline";
import { formatTime, formatUsd, tone } from "./format";
import { Layout } from "./layout";
import { TimelineList } from "./timeline-entries";

export function TimelinePage(props: { timeline: SessionTimeline; next_cursor: string | null; first_page: boolean }) {
  const { timeline } = props;
  const investigation = timeline.investigation;
  const base = `/sessions/${encodeURIComponent(timeline.caller_session_id)}`;
  return (
    <Layout title={`Incident ${timeline.caller_session_id}`} nav="investigations">
      <h1>
        Incident <code>{timeline.caller_session_id}</code>
      </h1>
      {investigation ? (
        <section class="card investigation-summary">
          <h3>
            {investigation.probe} · {investigation.target}
            <span class={`badge ${tone(investigation.status)}`}>{investigation.status}</span>
            {investigation.dm_status ? (
              <span class={`badge ${tone(investigation.dm_status)}`}>{investigation.dm_status}</span>
            ) : null}
          </h3>
          <dl class="kv">
            <dt>Claimed</dt>
            <dd>{formatTime(investigation.claimed_at)}</dd>
            <dt>Completed</dt>
            <dd>{formatTime(investigation.completed_at)}</dd>
            <dt>Model</dt>
            <dd>{investigation.model ?? "—"}</dd>
            <dt>Cost</dt>
            <dd>{formatUsd(investigation.cost_usd)}</dd>
          </dl>
          {investigation.summary ? <p>{investigation.summary}</p> : null}
        </section>
      ) : (
        <p class="muted">No investigation claimed this session (yet).</p>
      )}
      <h2>{props.first_page ? "Timeline" : "Timeline (continued)"}</h2>
      <TimelineList
        entries={timeline.entries}
        base={base}
        first_page={props.first_page}
        next_cursor={props.next_cursor}
      />
    </Layout>
  );
}
