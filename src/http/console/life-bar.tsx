import type { IncidentLife } from "../incident-life";
import { formatClock } from "./format";
import { describeInterval, Legend, notableIntervals, TimelineSvg } from "./timeline-svg";

/**
 * An incident's life as one picture: a lane per target (red while down, green once up), its
 * wakes, fixes and re-failures as lines, the escalation and the resolution across every lane.
 */
export function LifeBar(props: { id: string; life: IncidentLife; lanes?: number }) {
  const { life } = props;
  const shown = life.lanes.slice(0, props.lanes ?? life.lanes.length);
  const laneOf = (target: string | undefined) => {
    const index = shown.findIndex((lane) => lane.target === target);
    return index >= 0 ? index : undefined;
  };
  return (
    <div class="life">
      <TimelineSvg
        id={props.id}
        class="life-svg"
        from={life.from}
        to={life.to}
        lanes={shown.map((lane) => ({ label: lane.target, intervals: lane.intervals }))}
        marks={life.marks.map((mark) => ({ ...mark, lane: laneOf(mark.target) }))}
        title="The incident's life: down, fixes, up"
        description={lifeSentences(life).join(" ")}
      />
      <p class="axis" aria-hidden="true">
        <span>{formatClock(life.from, life.to)}</span>
        <span>{life.ongoing ? "now" : formatClock(life.to, life.to)}</span>
      </p>
      {life.lanes.length > shown.length || life.more_targets > 0 ? (
        <p class="meta">{life.lanes.length - shown.length + life.more_targets} more target(s) not drawn.</p>
      ) : null}
    </div>
  );
}

/** The picture in words, in time order: the text alternative, and the list under the big bar. */
export function lifeSentences(life: IncidentLife): string[] {
  return [
    ...life.lanes.flatMap((lane) =>
      notableIntervals(lane.intervals)
        .filter((interval) => interval.status !== "unknown")
        .map((interval) => ({ at: interval.from, text: `${describeInterval(lane.target, interval, life.to)}.` })),
    ),
    ...life.marks.map((mark) => ({ at: mark.at, text: `${formatClock(mark.at, life.to)}: ${mark.label}.` })),
  ]
    .sort((a, b) => a.at - b.at)
    .map((item) => item.text);
}

export function LifeLegend() {
  return (
    <Legend
      items={[
        ["swatch", "s-unhealthy", "down"],
        ["swatch", "s-healthy", "up"],
        ["tick", "m-wake", "wake"],
        ["tick", "m-fix", "fix"],
        ["tick", "m-refailure", "failed again"],
        ["tick", "m-escalated", "escalated"],
        ["tick", "m-resolved", "resolved"],
      ]}
    />
  );
}
