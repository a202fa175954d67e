import { FIX_ENVELOPES, isEnvelopeEnabled, type EnvelopeEnv } from "../../contracts";
import { PROBES } from "../../contracts";
import { formatTime, sessionHref, tone } from "./format";
import { Layout } from "./layout";
import type { StatusView } from "./status-data";
import { StatusStrips } from "./status-strips";

export function StatusPage(props: StatusView & { env: EnvelopeEnv }) {
  return (
    <Layout title="Status" nav="status">
      <h1>Status</h1>
      <p class="meta last-cycle">
        {props.lastCycle
          ? `Last cycle ${formatTime(new Date(props.lastCycle.scheduled_time).toISOString())}${props.lastCycle.completed_at ? "" : " (still running or cut short)"}`
          : "The probe cron has not run yet."}
      </p>
      {props.states.length === 0 ? <p class="muted">No probe has run yet.</p> : null}
      <StatusStrips strips={props.strips} now={props.now} />
      <h2>Probe states</h2>
      <div class="scroll">
        <table class="probe-states stack">
          <thead>
            <tr>
              <th>Probe</th>
              <th>Target</th>
              <th>Status</th>
              <th>Detail</th>
              <th>Unhealthy cycles</th>
              <th>Observed</th>
              <th>Last wake</th>
            </tr>
          </thead>
          <tbody>
            {props.states.map((state) => (
              <tr>
                <td data-label="Probe">{state.probe}</td>
                <td data-label="Target">{state.target}</td>
                <td data-label="Status" class={tone(state.last_status)}>
                  {state.last_status}
                </td>
                <td data-label="Detail">{state.last_detail.summary}</td>
                <td data-label="Unhealthy cycles">{state.consecutive_unhealthy}</td>
                <td data-label="Observed">{formatTime(state.last_observed_at)}</td>
                <td data-label="Last wake">
                  {state.last_wake_id ? (
                    <a href={sessionHref(`wake:${state.last_wake_id}`)}>{formatTime(state.last_wake_at)}</a>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Fix envelopes</h2>
      <p class="muted">Read now from the Worker's variables: what Kora may fix without asking.</p>
      <div class="scroll">
        <table class="envelopes stack">
          <thead>
            <tr>
              <th>Probe</th>
              <th>Fix</th>
              <th>Actions</th>
              <th>Switch</th>
              <th>Enabled now</th>
            </tr>
          </thead>
          <tbody>
            {PROBES.map((probe) => {
              const envelope = FIX_ENVELOPES[probe];
              const enabled = isEnvelopeEnabled(probe, props.env);
              return (
                <tr data-probe={probe}>
                  <td data-label="Probe">{probe}</td>
                  <td data-label="Fix">{envelope.fix_name ?? "none"}</td>
                  <td data-label="Actions">{Object.keys(envelope.actions).join(", ") || "—"}</td>
                  <td data-label="Switch">
                    <code>{envelope.enable_env}</code>
                  </td>
                  <td data-label="Enabled now" class={`enabled ${enabled ? "ok" : "muted"}`}>
                    {enabled ? "yes" : "no"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
