import type { ProbeName, ProbeResult, WakeKind } from "../../contracts";
import {
  checkResolution,
  countFlapChanges,
  type Incident,
  incidentIdOf,
  type IncidentSettings,
  isActive,
  isRefailure,
  minutesSince,
  type Resolution,
  type StatusChange,
  type TargetHealth,
  withinCooldown,
} from "../../incidents";
import { memoryKey, nextTargetState, type NextState, type TargetMemory } from "./memory";
import { wakeIdFor } from "./wake-id";

/**
 * A wake that nobody has finished with blocks the next one, but not forever: if the consumer
 * never claims it (the message was lost) or its claim never completes (the worker died), the
 * target can wake again this long after the last wake. It is well past the consumer's own
 * budget (15 min of wall time per try, a few tries with backoff) so a live investigation is
 * never doubled, and short enough that a lost wake costs an hour, not a day.
 */
export const OPEN_WAKE_STALE_AFTER_MINUTES = 60;

/** At most this many targets in one wake (the queue message's schema): a larger storm is split. */
export const MAX_TARGETS_PER_WAKE = 100;

/**
 * Is the target's last wake still being dealt with? Between the send and the consumer's claim
 * there is no `investigations` row yet, so a missing row counts as open, like a `running` one.
 */
export function isWakeOpen(
  memory: Pick<TargetMemory, "last_wake_id" | "last_wake_at">,
  investigationStatus: "running" | "done" | undefined,
  now: Date,
): boolean {
  if (!memory.last_wake_id || !memory.last_wake_at) return false;
  if (investigationStatus === "done") return false;
  return minutesSince(memory.last_wake_at, now) < OPEN_WAKE_STALE_AFTER_MINUTES;
}

/** One result with the memory before it and the state after it. */
export interface Step {
  result: ProbeResult;
  previous: (TargetMemory & { probe: string; target: string }) | undefined;
  next: NextState;
}

export function stepTargets(
  results: ProbeResult[],
  memory: Map<string, TargetMemory & { probe: string; target: string }>,
  now: Date,
): Step[] {
  return results.map((result) => {
    const previous = memory.get(memoryKey(result.probe, result.target));
    return { result, previous, next: nextTargetState(previous, result, now) };
  });
}

/** Targets that just turned unhealthy: only they can have started flapping this cycle. */
export const turnedUnhealthy = (step: Step) =>
  step.next.transition?.to_status === "unhealthy" && step.next.transition.from_status !== null;

/**
 * Probes whose run this cycle saw everything: results, and none of them `error`. A target such a
 * run no longer lists is gone (a destroyed machine); after an `error`, absence proves nothing.
 */
export function completeProbes(results: ProbeResult[]): Set<ProbeName> {
  const seen = new Set(results.map((r) => r.probe));
  for (const result of results) if (result.status === "error") seen.delete(result.probe);
  return seen;
}

export type HoldReason =
  "not_unhealthy" | "below_threshold" | "investigation_open" | "incident_open" | "already_escalated" | "cooling_down";

export type Verdict =
  | { act: "hold"; reason: HoldReason }
  | { act: "open"; kind: "wake" | "flapping" }
  | { act: "follow_up"; kind: WakeKind; incident_id: string }
  /** This very minute claimed a wake for the target before (a cycle re-run after a crash): send it again. */
  | { act: "resend"; kind: WakeKind; incident_id: string; wake_id: string };

export interface TargetContext {
  investigations: Map<string, "running" | "done">;
  incidents: Map<string, Incident>;
  /** Stored status changes within the flap window, by `memoryKey`. */
  changes: Map<string, StatusChange[]>;
  settings: IncidentSettings;
  now: Date;
}

/** How many times the target changed between healthy and unhealthy within the flap window, this cycle included. */
export function flapChangesOf(step: Step, ctx: TargetContext): number {
  const stored = ctx.changes.get(memoryKey(step.result.probe, step.result.target)) ?? [];
  const current = step.next.transition ? [{ at: ctx.now.toISOString(), ...step.next.transition }] : [];
  const byAt = new Map([...stored, ...current].map((change) => [change.at, change]));
  return countFlapChanges([...byAt.values()], ctx.now, ctx.settings.flapWindowMinutes);
}

/**
 * The wake rules of DESIGN §2 and §11 for one target (pure). A target wakes when it has been
 * unhealthy for `wakeAfterCycles` cycles or has just started flapping, and nothing is already
 * dealing with it. Inside an incident that is still open it is followed up, never woken afresh:
 * failing again after it came back is a re-failure, and a target that never came back stays the
 * incident's (its DM already told the operator) unless no DM ever reached them. A resolved
 * incident whose last wake is within the cool-down is re-opened by a re-failure.
 */
export function judgeTarget(step: Step, ctx: TargetContext): Verdict {
  const { previous: m, next } = step;
  const nowIso = ctx.now.toISOString();
  if (m?.last_wake_at === nowIso && m.last_wake_id && m.last_wake_kind && m.incident_id) {
    return { act: "resend", kind: m.last_wake_kind, incident_id: m.incident_id, wake_id: m.last_wake_id };
  }
  if (next.state.status !== "unhealthy") return { act: "hold", reason: "not_unhealthy" };
  const flapping = turnedUnhealthy(step) && flapChangesOf(step, ctx) >= ctx.settings.flapChanges;
  const worthy = next.state.consecutive_unhealthy >= ctx.settings.wakeAfterCycles;
  if (!flapping && !worthy) return { act: "hold", reason: "below_threshold" };
  if (m && isWakeOpen(m, m.last_wake_id ? ctx.investigations.get(m.last_wake_id) : undefined, ctx.now)) {
    return { act: "hold", reason: "investigation_open" };
  }
  const lastWakeAt = m?.last_wake_at ?? null;
  const incident = m?.incident_id ? ctx.incidents.get(m.incident_id) : undefined;
  if (incident && isActive(incident.status)) {
    if (flapping) {
      return incident.status === "escalated"
        ? { act: "hold", reason: "already_escalated" }
        : { act: "follow_up", kind: "flapping", incident_id: incident.id };
    }
    if (isRefailure(next.state.unhealthy_since, lastWakeAt)) {
      return { act: "follow_up", kind: "refailure", incident_id: incident.id };
    }
    if (!incident.root_dm_ts && !withinCooldown(lastWakeAt, ctx.now, ctx.settings.cooldownMinutes)) {
      return { act: "follow_up", kind: "wake", incident_id: incident.id };
    }
    return { act: "hold", reason: "incident_open" };
  }
  if (withinCooldown(lastWakeAt, ctx.now, ctx.settings.cooldownMinutes)) {
    // A wake from before incidents existed has no incident to re-open: it just cools down.
    if (!incident) return { act: "hold", reason: "cooling_down" };
    return { act: "follow_up", kind: flapping ? "flapping" : "refailure", incident_id: incident.id };
  }
  return { act: "open", kind: flapping ? "flapping" : "wake" };
}

/** One wake to send: its targets, the incident it opens or follows, and the memory each replaces. */
export interface PlannedWake {
  wake_id: string;
  kind: WakeKind;
  probe: ProbeName;
  incident_id: string;
  /** True when this wake opens its incident (its id is the incident's). */
  opens: boolean;
  members: (Step & { status_changes?: number })[];
}

export interface CyclePlan {
  steps: Step[];
  wakes: PlannedWake[];
  resolutions: Resolution[];
  /** Targets no longer listed by a probe run that saw everything. */
  gone: { probe: string; target: string }[];
  held: Partial<Record<HoldReason, number>>;
}

/**
 * Turns a cycle's steps into the wakes to send and the incidents to resolve (pure but for the
 * wake ids' hashing). Targets of one probe that open an incident in the same cycle go out as one
 * wake (DESIGN §11 "Grouping"); follow-ups of one incident in one cycle are one wake too.
 */
export async function planCycle(input: {
  steps: Step[];
  memory: Map<string, TargetMemory & { probe: string; target: string }>;
  ctx: TargetContext;
  /** What the wake ids derive from: the cycle's scheduled time, or the key of the event that woke it. */
  wakeSeed: number | string;
}): Promise<CyclePlan> {
  const { steps, ctx } = input;
  const groups = new Map<string, Omit<PlannedWake, "wake_id"> & { wake_id?: string; key: string }>();
  const held: CyclePlan["held"] = {};
  for (const step of steps) {
    const verdict = judgeTarget(step, ctx);
    if (verdict.act === "hold") {
      held[verdict.reason] = (held[verdict.reason] ?? 0) + 1;
      continue;
    }
    if (verdict.act === "resend" && step.next.state.status !== "unhealthy") continue;
    const key = groupKey(step.result.probe, verdict);
    const group = groups.get(key) ?? {
      key,
      kind: verdict.kind,
      probe: step.result.probe,
      incident_id: verdict.act === "open" ? "" : verdict.incident_id,
      opens:
        verdict.act === "open" || (verdict.act === "resend" && verdict.incident_id === incidentIdOf(verdict.wake_id)),
      members: [],
      ...(verdict.act === "resend" ? { wake_id: verdict.wake_id } : {}),
    };
    const changes = verdict.kind === "flapping" ? flapChangesOf(step, ctx) : undefined;
    group.members.push(changes === undefined ? step : { ...step, status_changes: changes });
    groups.set(key, group);
  }

  const wakes: PlannedWake[] = [];
  for (const group of groups.values()) {
    for (let chunk = 0; chunk * MAX_TARGETS_PER_WAKE < group.members.length; chunk++) {
      const members = group.members.slice(chunk * MAX_TARGETS_PER_WAKE, (chunk + 1) * MAX_TARGETS_PER_WAKE);
      const wakeId =
        chunk === 0 && group.wake_id
          ? group.wake_id
          : await wakeIdFor(input.wakeSeed, group.probe, `${group.key}:${chunk}`);
      const incidentId = group.opens ? incidentIdOf(wakeId) : group.incident_id;
      wakes.push({
        wake_id: wakeId,
        kind: group.kind,
        probe: group.probe,
        incident_id: incidentId,
        opens: group.opens,
        members,
      });
    }
  }
  return { steps, wakes, resolutions: planResolutions(input), gone: goneTargets(input), held };
}

/**
 * Same key, same wake: a re-run of the minute derives the id it derived before, and a target it
 * had claimed then (`resend`) lands in the group of the same id.
 */
function groupKey(probe: ProbeName, verdict: Exclude<Verdict, { act: "hold" }>): string {
  switch (verdict.act) {
    case "open":
      return `open:${verdict.kind}`;
    case "follow_up":
      return `${verdict.incident_id}:${verdict.kind}`;
    case "resend":
      return verdict.incident_id === incidentIdOf(verdict.wake_id)
        ? `open:${verdict.kind}`
        : `${verdict.incident_id}:${verdict.kind}`;
  }
}

function goneTargets(input: { steps: Step[]; memory: Map<string, { probe: string; target: string }> }) {
  const complete = completeProbes(input.steps.map((step) => step.result));
  const seen = new Set(input.steps.map((step) => memoryKey(step.result.probe, step.result.target)));
  return [...input.memory.entries()]
    .filter(([key, m]) => !seen.has(key) && complete.has(m.probe as ProbeName))
    .map(([, m]) => ({ probe: m.probe, target: m.target }));
}

function planResolutions(input: {
  steps: Step[];
  memory: Map<string, TargetMemory & { probe: string; target: string }>;
  ctx: TargetContext;
}): Resolution[] {
  const { ctx } = input;
  const byKey = new Map(input.steps.map((step) => [memoryKey(step.result.probe, step.result.target), step]));
  const complete = completeProbes(input.steps.map((step) => step.result));
  const resolutions: Resolution[] = [];
  for (const incident of ctx.incidents.values()) {
    if (!isActive(incident.status)) continue;
    let investigationOpen = false;
    const health = incident.targets.map((target): TargetHealth => {
      const key = memoryKey(incident.probe, target.target);
      const memory = input.memory.get(key);
      if (
        memory &&
        isWakeOpen(memory, memory.last_wake_id ? ctx.investigations.get(memory.last_wake_id) : undefined, ctx.now)
      ) {
        investigationOpen = true;
      }
      const step = byKey.get(key);
      if (step) {
        return step.next.state.status === "healthy"
          ? { kind: "healthy", since: step.next.state.status_since }
          : { kind: "not_healthy" };
      }
      return complete.has(incident.probe) ? { kind: "gone" } : { kind: "not_healthy" };
    });
    const check = checkResolution(incident, health, investigationOpen, ctx.now, ctx.settings.resolveAfterCycles);
    if (check.resolve) resolutions.push({ incident, recovered_at: check.recovered_at, duration_ms: check.duration_ms });
  }
  return resolutions;
}
