import type { IncidentFix, IncidentWake } from "../../audit/incident-activity";
import { readWakesAndFixes } from "../../audit/target-events";
import {
  getProbeStatus,
  getRecentCycles,
  getTransitionsInWindow,
  statusIntervals,
  uptimeOf,
  type ProbeCycleRow,
  type ProbeStatusRow,
  type ProbeTransitionRow,
  type StatusInterval,
  type Uptime,
} from "../../probes";
import type { SvgMark } from "./timeline-svg";

export const DAY_MS = 24 * 60 * 60_000;
export const WEEK_MS = 7 * DAY_MS;

export interface TargetStrip {
  state: ProbeStatusRow;
  /** The last 24 hours, as drawn. */
  day: StatusInterval[];
  uptime_day: Uptime;
  uptime_week: Uptime;
  marks: SvgMark[];
}

export interface StatusView {
  now: number;
  states: ProbeStatusRow[];
  lastCycle: ProbeCycleRow | null;
  strips: TargetStrip[];
}

/**
 * Everything the status page shows, read in four statements whatever the number of targets:
 * states, the last cycle, a week of transitions for every target, a day of wakes and fixes.
 */
export async function readStatusView(db: D1Database, now: Date): Promise<StatusView> {
  const [states, cycles, events] = await Promise.all([
    getProbeStatus(db),
    getRecentCycles(db, 1),
    readWakesAndFixes(db, new Date(now.getTime() - DAY_MS)),
  ]);
  const transitions = await getTransitionsInWindow(
    db,
    states.map(({ probe, target }) => ({ probe, target })),
    { from: new Date(now.getTime() - WEEK_MS), to: now },
  );
  const lastCycle = cycles[0] ?? null;
  return {
    now: now.getTime(),
    states,
    lastCycle,
    strips: states.map((state) => buildTargetStrip(state, transitions, events, now, lastCycle)),
  };
}

/**
 * A target's strip and uptimes. A target with no transition at all has kept the status it has
 * now; past the last cycle's minute nothing is known (a stopped cron must not look like uptime).
 */
export function buildTargetStrip(
  state: ProbeStatusRow,
  transitions: readonly ProbeTransitionRow[],
  events: { wakes: readonly IncidentWake[]; fixes: readonly IncidentFix[] },
  now: Date,
  lastCycle: ProbeCycleRow | null,
): TargetStrip {
  const own = transitions.filter((row) => row.probe === state.probe && row.target === state.target);
  const options = {
    current: state.last_status,
    observedUntil: lastCycle ? lastCycle.scheduled_time + 60_000 : undefined,
  };
  const to = now.getTime();
  const day = statusIntervals(own, { from: to - DAY_MS, to }, options);
  const week = statusIntervals(own, { from: to - WEEK_MS, to }, options);
  const marks: SvgMark[] = [
    ...events.wakes
      .filter((wake) => wake.probe === state.probe && wake.target === state.target)
      .map((wake) => ({ kind: "wake", at: Date.parse(wake.at), label: `wake ${wake.wake_id}` })),
    ...events.fixes
      .filter((fix) => fix.probe === state.probe && fix.target_id === state.target)
      .map((fix) => ({
        kind: "fix",
        at: Date.parse(fix.at),
        label: `${fix.action}: ${fix.outcome ?? fix.status}`,
      })),
  ].sort((a, b) => a.at - b.at);
  return { state, day, uptime_day: uptimeOf(day), uptime_week: uptimeOf(week), marks };
}
