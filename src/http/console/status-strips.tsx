import { formatUptime, type StatusInterval } from "../../probes";
import { formatClock, formatDuration, tone } from "./format";
import type { TargetStrip } from "./status-data";
import { describeInterval, Legend, notableIntervals, TimelineSvg } from "./timeline-svg";

/** The status page's "at a glance": per target, the last 24 hours and its uptime. */
export function StatusStrips(props: { strips: readonly TargetStrip[]; now: number }) {
  if (props.strips.length === 0) return null;
  return (
    <section class="strips">
      <h2>Last 24 hours</h2>
      <StripLegend />
      {props.strips.map((strip, index) => (
        <StripCard strip={strip} index={index} now={props.now} />
      ))}
    </section>
  );
}

function StripCard({ strip, index, now }: { strip: TargetStrip; index: number; now: number }) {
  const { state } = strip;
  const label = `${state.probe} ${state.target}`;
  const summary = summarize(strip);
  return (
    <article class="card strip" data-probe={state.probe} data-target={state.target}>
      <h3>
        {state.probe} · {state.target}
        <span class={`badge ${tone(state.last_status)}`}>{state.last_status}</span>
      </h3>
      <p class="meta uptime">
        Uptime 24 h <strong class="uptime-day">{formatUptime(strip.uptime_day)}</strong> · 7 d{" "}
        <strong class="uptime-week">{formatUptime(strip.uptime_week)}</strong>
      </p>
      <TimelineSvg
        id={`strip-${index}`}
        class="strip-svg"
        from={now - 24 * 60 * 60_000}
        to={now}
        lanes={[{ label, intervals: strip.day }]}
        marks={strip.marks.map((mark) => ({ ...mark, lane: 0 }))}
        title={`${label}, last 24 hours`}
        description={summary}
      />
      <Axis now={now} />
      <p class="strip-summary">{summary}</p>
      <Changes strip={strip} label={label} now={now} />
    </article>
  );
}

/** Hours under the strip; a phone gets five labels, which still fit. */
function Axis({ now }: { now: number }) {
  const ticks = [24, 18, 12, 6, 0].map((hoursAgo) => now - hoursAgo * 60 * 60_000);
  return (
    <p class="axis" aria-hidden="true">
      {ticks.map((tick, index) => (
        <span>
          {index === ticks.length - 1
            ? "now"
            : `${new Date(tick).toISOString().slice(11, 16)}${index === 0 ? " UTC" : ""}`}
        </span>
      ))}
    </p>
  );
}

function Changes({ strip, label, now }: { strip: TargetStrip; label: string; now: number }) {
  const items = [
    ...notableIntervals(strip.day).map((interval) => ({
      at: interval.from,
      text: describeInterval(label, interval, now),
    })),
    ...strip.marks.map((mark) => ({ at: mark.at, text: `${formatClock(mark.at, now)}: ${mark.label}` })),
  ].sort((a, b) => a.at - b.at);
  if (items.length === 0) return null;
  return (
    <details class="changes">
      <summary class="meta">What happened, in order</summary>
      <ul>
        {items.map((item) => (
          <li>{item.text}</li>
        ))}
      </ul>
    </details>
  );
}

/** One sentence: how often and how long it was down, and what Kora did. */
export function summarize(strip: TargetStrip): string {
  const down = strip.day.filter((interval) => interval.status === "unhealthy");
  const unknown = strip.day.filter((interval) => interval.status === "unknown" || interval.status === "skipped");
  const errors = strip.day.filter((interval) => interval.status === "error");
  const parts = [
    down.length === 0
      ? "Never down in the last 24 hours."
      : `Down ${down.length === 1 ? "once" : `${down.length} times`} in the last 24 hours, ${formatDuration(total(down))} in all.`,
  ];
  if (errors.length > 0) parts.push(`Probe errors for ${formatDuration(total(errors))}.`);
  if (unknown.length > 0) parts.push(`No data for ${formatDuration(total(unknown))}.`);
  const wakes = strip.marks.filter((mark) => mark.kind === "wake").length;
  const fixes = strip.marks.filter((mark) => mark.kind === "fix").length;
  if (wakes + fixes > 0) parts.push(`${count(wakes, "wake")}, ${count(fixes, "fix", "fixes")}.`);
  return parts.join(" ");
}

function StripLegend() {
  return (
    <Legend
      items={[
        ["swatch", "s-healthy", "up"],
        ["swatch", "s-unhealthy", "down"],
        ["swatch", "s-error", "probe error"],
        ["swatch", "s-unknown", "no data"],
        ["tick", "m-wake", "wake"],
        ["tick", "m-fix", "fix"],
      ]}
    />
  );
}

function total(intervals: readonly StatusInterval[]): number {
  return intervals.reduce((sum, interval) => sum + interval.to - interval.from, 0);
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
