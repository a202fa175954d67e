import type { IncidentRecord, IncidentRow } from "../audit/incidents";
import {
  statusIntervals,
  type ProbeTransitionRow,
  type StatusChange,
  type StatusInterval,
  type TargetKey,
} from "../probes";

/**
 * An incident's life as the operator view draws it (DESIGN §11): one lane per target (down →
 * fix → up, re-failures marked) and the incident's events on top. Pure, `now` passed in.
 */

export type LifeMarkKind = "wake" | "refailure" | "fix" | "escalated" | "resolved";

export interface LifeMark {
  kind: LifeMarkKind;
  at: number;
  /** The lane it belongs to, when it is about one target. */
  target?: string;
  label: string;
}

export interface LifeLane {
  target: string;
  intervals: StatusInterval[];
}

export interface IncidentLife {
  from: number;
  to: number;
  /** Still going: the picture ends at `now`. */
  ongoing: boolean;
  lanes: LifeLane[];
  /** Targets beyond the lanes drawn (a storm of many machines). */
  more_targets: number;
  marks: LifeMark[];
}

/** A storm can hold dozens of machines; past this many lanes the bar stops being readable. */
export const MAX_LANES = 8;

export interface Downtime {
  since: string;
  /** The first healthy observation; null while it is still down. */
  until: string | null;
  ms: number;
}

/**
 * From the first unhealthy observation to the first healthy one (the resolution's
 * `duration_ms`), or to `now` while it is still down.
 */
export function incidentDowntime(incident: IncidentRow, now: Date): Downtime {
  const until = incident.recovered_at ?? (incident.status === "resolved" ? incident.resolved_at : null);
  const end = until ? Date.parse(until) : now.getTime();
  return { since: incident.first_unhealthy_at, until, ms: Math.max(0, end - Date.parse(incident.first_unhealthy_at)) };
}

/** From a little before the first unhealthy observation to a little after the resolution, or now. */
export function lifeWindow(incident: IncidentRow, now: Date): { from: number; to: number } {
  const start = Date.parse(incident.first_unhealthy_at);
  const resolved = incident.resolved_at ? Date.parse(incident.resolved_at) : null;
  const pad = Math.max(60_000, ((resolved ?? now.getTime()) - start) * 0.05);
  const to = resolved === null ? now.getTime() : Math.min(now.getTime(), resolved + pad);
  return { from: start - pad, to: Math.max(to, start) };
}

export function laneKeys(record: IncidentRecord): TargetKey[] {
  return record.targets.slice(0, MAX_LANES).map(({ probe, target }) => ({ probe, target }));
}

export function buildIncidentLife(
  record: IncidentRecord,
  transitions: readonly ProbeTransitionRow[],
  now: Date,
): IncidentLife {
  const { incident, activity } = record;
  const window = lifeWindow(incident, now);
  const lanes = laneKeys(record).map(({ probe, target }): LifeLane => {
    const own = transitions.filter((row) => row.probe === probe && row.target === target);
    return { target, intervals: statusIntervals(own.length > 0 ? own : fromColumns(incident), window) };
  });

  const marks: LifeMark[] = [];
  activity.wakes.forEach((wake, index) =>
    marks.push({
      kind: "wake",
      at: Date.parse(wake.at),
      target: wake.target,
      label: index === 0 ? `opened by wake ${wake.wake_id}` : `follow-up wake ${wake.wake_id}`,
    }),
  );
  for (const lane of lanes) {
    for (const at of refailures(lane.intervals)) {
      marks.push({ kind: "refailure", at, target: lane.target, label: `${lane.target} failed again` });
    }
  }
  for (const fix of activity.fixes) {
    marks.push({
      kind: "fix",
      at: Date.parse(fix.at),
      target: fix.target_id,
      label: `${fix.action} ${fix.target_id}: ${fix.outcome ?? fix.status}${fix.approved_by ? ` (approved by ${fix.approved_by})` : ""}`,
    });
  }
  if (incident.escalated_at) {
    marks.push({
      kind: "escalated",
      at: Date.parse(incident.escalated_at),
      label: `escalated: ${incident.escalation_reason ?? "no reason recorded"}`,
    });
  }
  if (incident.resolved_at) {
    marks.push({
      kind: "resolved",
      at: Date.parse(incident.resolved_at),
      label: `resolved${incident.resolved_by ? ` (${incident.resolved_by})` : ""}`,
    });
  }
  return {
    ...window,
    ongoing: incident.resolved_at === null,
    lanes,
    more_targets: Math.max(0, record.targets.length - lanes.length),
    marks: marks.filter((mark) => mark.at >= window.from && mark.at <= window.to).sort((a, b) => a.at - b.at),
  };
}

/**
 * When a target's transitions are gone (retention) or were never kept, the incident's own
 * columns still say when it went down and when it came back.
 */
function fromColumns(incident: IncidentRow): StatusChange[] {
  const down: StatusChange = { at: incident.first_unhealthy_at, from_status: null, to_status: "unhealthy" };
  if (!incident.recovered_at) return [down];
  return [down, { at: incident.recovered_at, from_status: "unhealthy", to_status: "healthy" }];
}

/** The start of every unhealthy stretch that follows a healthy one after the incident began. */
export function refailures(intervals: readonly StatusInterval[]): number[] {
  const starts: number[] = [];
  let wasDown = false;
  let recovered = false;
  for (const interval of intervals) {
    if (interval.status === "unhealthy") {
      if (recovered) starts.push(interval.from);
      wasDown = true;
      recovered = false;
    } else if (interval.status === "healthy" && wasDown) {
      recovered = true;
    }
  }
  return starts;
}
