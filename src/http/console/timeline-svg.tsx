import type { StatusInterval } from "../../probes";
import { formatClock, formatDuration } from "./format";

/**
 * Status over time as server-rendered SVG (no script): one lane per target, a rectangle per
 * stretch of one status, a vertical line per event. The picture stretches to the page width
 * (a phone included); marks and outlines keep their pixel width whatever the stretch, so a
 * one-minute outage is still visible on a 24-hour strip. Every shape carries its times as data
 * attributes and a tooltip, and the whole picture has a text alternative.
 */

export interface SvgLane {
  label: string;
  intervals: readonly StatusInterval[];
}

export interface SvgMark {
  kind: string;
  at: number;
  /** Index of the lane it belongs to; drawn across every lane when absent. */
  lane?: number;
  label: string;
}

const WIDTH = 1000;
const LANE = 14;
const GAP = 6;

const STATUS_WORDS: Record<StatusInterval["status"], string> = {
  healthy: "up",
  unhealthy: "down",
  error: "probe error",
  skipped: "not probed",
  unknown: "no data",
};

export function TimelineSvg(props: {
  id: string;
  class: string;
  from: number;
  to: number;
  lanes: readonly SvgLane[];
  marks: readonly SvgMark[];
  title: string;
  description: string;
}) {
  const span = Math.max(1, props.to - props.from);
  const x = (time: number) => round(((Math.min(Math.max(time, props.from), props.to) - props.from) / span) * WIDTH);
  const height = props.lanes.length * (LANE + GAP) - GAP;
  const laneTop = (index: number) => index * (LANE + GAP);
  return (
    <svg
      class={`timeline ${props.class}`}
      width="100%"
      height={height}
      viewBox={`0 0 ${WIDTH} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.description}</desc>
      {props.lanes.map((lane, index) => (
        <g class="lane" data-lane={lane.label}>
          {lane.intervals.map((interval) => (
            <rect
              class={`s-${interval.status}`}
              x={x(interval.from)}
              y={laneTop(index)}
              width={Math.max(0, x(interval.to) - x(interval.from))}
              height={LANE}
              vector-effect="non-scaling-stroke"
              data-status={interval.status}
              data-from={new Date(interval.from).toISOString()}
              data-to={new Date(interval.to).toISOString()}
            >
              <title>{describeInterval(lane.label, interval, props.to)}</title>
            </rect>
          ))}
        </g>
      ))}
      {props.marks.map((mark) => {
        const top = mark.lane === undefined ? 0 : laneTop(mark.lane);
        const bottom = mark.lane === undefined ? height : top + LANE;
        return (
          <line
            class={`mark m-${mark.kind}`}
            x1={x(mark.at)}
            x2={x(mark.at)}
            y1={top}
            y2={bottom}
            vector-effect="non-scaling-stroke"
            data-mark={mark.kind}
            data-at={new Date(mark.at).toISOString()}
          >
            <title>{`${formatClock(mark.at, props.to)}: ${mark.label}`}</title>
          </line>
        );
      })}
    </svg>
  );
}

export function describeInterval(label: string, interval: StatusInterval, reference: number): string {
  return `${label} ${STATUS_WORDS[interval.status]} ${formatClock(interval.from, reference)}–${formatClock(interval.to, reference)} (${formatDuration(interval.to - interval.from)})`;
}

/** The stretches worth reading aloud: everything that was not simply up. */
export function notableIntervals(intervals: readonly StatusInterval[]): StatusInterval[] {
  return intervals.filter((interval) => interval.status !== "healthy");
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A picture's key: colour swatches for statuses (`s-…`), ticks for marks (`m-…`). */
export function Legend({
  items,
}: {
  items: readonly (readonly [kind: "swatch" | "tick", cls: string, label: string])[];
}) {
  return (
    <ul class="legend" aria-label="Legend">
      {items.map(([kind, cls, label]) => (
        <li>
          <span class={`${kind} ${cls}`} /> {label}
        </li>
      ))}
    </ul>
  );
}
