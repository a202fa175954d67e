import type { ProbeStatus, ResolvedBy } from "../contracts";

/**
 * The incident rules of DESIGN §11, pure: every window is counted in the probe cycles' scheduled
 * time, passed in as `now`, so a re-fired minute counts once and tests drive minutes at will.
 */

export interface IncidentSettings {
  wakeAfterCycles: number;
  cooldownMinutes: number;
  resolveAfterCycles: number;
  flapChanges: number;
  flapWindowMinutes: number;
}

export function minutesSince(iso: string, now: Date): number {
  const then = Date.parse(iso);
  // An unreadable timestamp must not hold anything back forever: treat it as long ago.
  return Number.isNaN(then) ? Number.POSITIVE_INFINITY : (now.getTime() - then) / 60_000;
}

export function withinCooldown(lastWakeAt: string | null, now: Date, cooldownMinutes: number): boolean {
  return lastWakeAt !== null && minutesSince(lastWakeAt, now) < cooldownMinutes;
}

/**
 * A target failing again rather than still failing: its current unhealthy streak began after its
 * last wake, so it was seen healthy in between (a fix held for a while, or it came back alone).
 */
export function isRefailure(unhealthySince: string | null, lastWakeAt: string | null): boolean {
  if (!unhealthySince || !lastWakeAt) return false;
  return Date.parse(unhealthySince) > Date.parse(lastWakeAt);
}

export interface StatusChange {
  at: string;
  from_status: ProbeStatus | null;
  to_status: ProbeStatus;
}

/**
 * Changes between healthy and unhealthy within the flap window. A cycle that could not look
 * (`error`) or was not configured (`skipped`) is no evidence either way, so changes into or out
 * of those do not count: a flaky provider API is not a flapping machine.
 */
export function countFlapChanges(changes: readonly StatusChange[], now: Date, windowMinutes: number): number {
  const counted = new Set(["healthy", "unhealthy"]);
  return changes.filter(
    (change) =>
      change.from_status !== null &&
      change.from_status !== change.to_status &&
      counted.has(change.from_status) &&
      counted.has(change.to_status) &&
      minutesSince(change.at, now) < windowMinutes,
  ).length;
}

/** Where one target of an incident stands in this cycle. */
export type TargetHealth =
  | { kind: "healthy"; since: string }
  /** No longer listed by a probe run that saw everything (a destroyed machine): nothing is left to watch. */
  | { kind: "gone" }
  | { kind: "not_healthy" };

export type ResolutionCheck =
  | { resolve: false; reason: "target_not_healthy" | "not_long_enough" | "investigation_open" }
  | { resolve: true; recovered_at: string; duration_ms: number };

/**
 * Resolved when every target has been healthy for `resolveAfterCycles` consecutive cycles — the
 * cycle that first saw it healthy counts as one — and no investigation of it is still running
 * (its DM must exist before the resolution can edit it). `duration_ms` runs from the first
 * unhealthy observation to the first healthy one of the streak that resolved it.
 */
export function checkResolution(
  incident: { first_unhealthy_at: string },
  targets: readonly TargetHealth[],
  investigationOpen: boolean,
  now: Date,
  resolveAfterCycles: number,
): ResolutionCheck {
  if (targets.some((target) => target.kind === "not_healthy")) return { resolve: false, reason: "target_not_healthy" };
  const since = targets.flatMap((target) => (target.kind === "healthy" ? [target.since] : []));
  if (since.some((iso) => minutesSince(iso, now) + 1 < resolveAfterCycles)) {
    return { resolve: false, reason: "not_long_enough" };
  }
  if (investigationOpen) return { resolve: false, reason: "investigation_open" };
  const recovered = since.length > 0 ? Math.max(...since.map((iso) => Date.parse(iso))) : now.getTime();
  const recoveredAt = new Date(Number.isNaN(recovered) ? now.getTime() : recovered);
  const first = Date.parse(incident.first_unhealthy_at);
  return {
    resolve: true,
    recovered_at: recoveredAt.toISOString(),
    duration_ms: Number.isNaN(first) ? 0 : Math.max(0, recoveredAt.getTime() - first),
  };
}

/** A fix attempt of the incident that reached the provider, as its audit row tells it. */
export interface IncidentFix {
  source: string;
  outcome: "recovered" | "not_recovered" | "unknown" | null;
}

/**
 * Who ended it: the fixes attempted since the incident last failed (the newest wake), that did
 * not visibly fail to hold. An operator's approved fix is theirs even if Kora tried first; a fix
 * whose machine settled elsewhere (`not_recovered`) did not end anything.
 */
export function resolvedByFrom(fixesSinceLastFailure: readonly IncidentFix[]): ResolvedBy {
  const held = fixesSinceLastFailure.filter((fix) => fix.outcome !== "not_recovered");
  if (held.some((fix) => fix.source === "operator")) return "operator_fix";
  return held.length > 0 ? "kora_fix" : "self";
}
