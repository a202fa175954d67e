import type { ProbeStatus } from "../contracts";

/**
 * A target's status over time, rebuilt from its transitions (DESIGN §11: every window is counted
 * in the cycles' scheduled time). Pure: the caller passes the window and `now` in.
 */

/** `unknown`: before the target was first seen, or after the last cycle that ran. */
export type TimelineStatus = ProbeStatus | "unknown";

/** `[from, to)` in epoch milliseconds. */
export interface StatusInterval {
  status: TimelineStatus;
  from: number;
  to: number;
}

/** The two columns of a transition this needs; `at` is ISO 8601. */
export interface StatusChange {
  at: string;
  from_status: ProbeStatus | null;
  to_status: ProbeStatus;
}

export interface TimelineOptions {
  /**
   * Status to assume when the target has no transition at all up to the window's end: a target
   * whose status never changed since history became transitions.
   */
  current?: ProbeStatus;
  /** Nothing is known after this (the last cycle's scheduled time plus its minute). */
  observedUntil?: number;
}

/**
 * The window cut into intervals of one status each, in order, covering it exactly.
 * `changes` are one target's transitions: at most one before the window (its `to_status` is the
 * status the window opens with) and those inside it. With none before, the status before the
 * first change in the window is that change's `from_status` (unknown when it was the first
 * observation ever).
 */
export function statusIntervals(
  changes: readonly StatusChange[],
  window: { from: number; to: number },
  options: TimelineOptions = {},
): StatusInterval[] {
  if (window.to <= window.from) return [];
  const sorted = [...changes].map((change) => ({ ...change, time: Date.parse(change.at) })).sort(byTime);
  const before = sorted.filter((change) => change.time < window.from).at(-1);
  const inside = sorted.filter((change) => change.time >= window.from && change.time < window.to);
  const end = Math.max(window.from, Math.min(window.to, options.observedUntil ?? window.to));

  let status: TimelineStatus =
    before?.to_status ?? inside[0]?.from_status ?? (sorted.length === 0 ? options.current : undefined) ?? "unknown";
  let cursor = window.from;
  const intervals: StatusInterval[] = [];
  for (const change of inside) {
    if (change.time >= end) break;
    push(intervals, { status, from: cursor, to: change.time });
    status = change.to_status;
    cursor = Math.max(cursor, change.time);
  }
  push(intervals, { status, from: cursor, to: end });
  push(intervals, { status: "unknown", from: end, to: window.to });
  return intervals;
}

export interface Uptime {
  /** Healthy share of the time the status was known to be healthy or unhealthy; null if none. */
  ratio: number | null;
  healthy_ms: number;
  unhealthy_ms: number;
}

/**
 * Uptime over intervals. Only `healthy` and `unhealthy` count: `error` means the probe could not
 * tell (a provider API timing out is not the service being down), `skipped` that it was not
 * configured, `unknown` that nothing was observed.
 */
export function uptimeOf(intervals: readonly StatusInterval[]): Uptime {
  let healthy = 0;
  let unhealthy = 0;
  for (const interval of intervals) {
    const length = interval.to - interval.from;
    if (interval.status === "healthy") healthy += length;
    if (interval.status === "unhealthy") unhealthy += length;
  }
  const known = healthy + unhealthy;
  return { ratio: known > 0 ? healthy / known : null, healthy_ms: healthy, unhealthy_ms: unhealthy };
}

/**
 * As an operator reads it: never "100%" once anything was down, never rounded up into a better
 * figure than the truth.
 */
export function formatUptime(uptime: Uptime): string {
  if (uptime.ratio === null) return "—";
  if (uptime.unhealthy_ms === 0) return "100%";
  return `${(Math.floor(uptime.ratio * 10_000) / 100).toFixed(2)}%`;
}

function push(intervals: StatusInterval[], next: StatusInterval): void {
  if (next.to <= next.from) return;
  const last = intervals.at(-1);
  if (last && last.status === next.status && last.to === next.from) last.to = next.to;
  else intervals.push(next);
}

function byTime(a: { time: number }, b: { time: number }): number {
  return a.time - b.time;
}
