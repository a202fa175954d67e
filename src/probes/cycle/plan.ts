import type { EnvelopeEnv, ProbeResult, ProbeStatus } from "../../contracts";
import { memoryKey, type TargetMemory, type TargetUpdate } from "./state";
import { buildWakeMessage, wakeIdFor, type Wake } from "./wakes";

export interface WakeSettings {
  wakeAfterCycles: number;
  cooldownMinutes: number;
}

export type WakeDecision =
  | { wake: true; consecutive_unhealthy: number }
  | {
      wake: false;
      consecutive_unhealthy: number;
      reason: "not_unhealthy" | "below_threshold" | "investigation_open" | "cooling_down";
    };

/**
 * A wake that nobody has finished with blocks the next one, but not forever: if the consumer
 * never claims it (the message was lost) or its claim never completes (the worker died), the
 * target can wake again this long after the last wake. It is well past the consumer's own
 * budget (15 min of wall time per try, a few tries with backoff) so a live investigation is
 * never doubled, and short enough that a lost wake costs an hour, not a day.
 */
export const OPEN_WAKE_STALE_AFTER_MINUTES = 60;

/**
 * Is the target's last wake still being dealt with? Between the send and the consumer's claim
 * there is no `investigations` row yet, so a missing row counts as open, like a `running` one.
 */
export function isWakeOpen(
  memory: TargetMemory,
  investigationStatus: "running" | "done" | undefined,
  now: Date,
): boolean {
  if (!memory.last_wake_id || !memory.last_wake_at) return false;
  if (investigationStatus === "done") return false;
  return minutesSince(memory.last_wake_at, now) < OPEN_WAKE_STALE_AFTER_MINUTES;
}

/**
 * The wake rule of DESIGN §2 (pure). Unhealthy adds one to the count and healthy or skipped
 * resets it; an `error` leaves it alone, because a cycle that could not look neither confirms
 * nor clears the trouble.
 */
export function decideWake(
  status: ProbeStatus,
  memory: TargetMemory | undefined,
  wakeOpen: boolean,
  settings: WakeSettings,
  now: Date,
): WakeDecision {
  const previous = memory?.consecutive_unhealthy ?? 0;
  switch (status) {
    case "healthy":
    case "skipped":
      return { wake: false, consecutive_unhealthy: 0, reason: "not_unhealthy" };
    case "error":
      return { wake: false, consecutive_unhealthy: previous, reason: "not_unhealthy" };
    case "unhealthy": {
      const count = previous + 1;
      if (count < settings.wakeAfterCycles)
        return { wake: false, consecutive_unhealthy: count, reason: "below_threshold" };
      if (wakeOpen) return { wake: false, consecutive_unhealthy: count, reason: "investigation_open" };
      const lastWake = memory?.last_wake_at;
      if (lastWake && minutesSince(lastWake, now) < settings.cooldownMinutes) {
        return { wake: false, consecutive_unhealthy: count, reason: "cooling_down" };
      }
      return { wake: true, consecutive_unhealthy: count };
    }
  }
}

function minutesSince(iso: string, now: Date): number {
  const then = Date.parse(iso);
  // An unreadable timestamp must not block a target forever: treat it as long ago.
  return Number.isNaN(then) ? Number.POSITIVE_INFINITY : (now.getTime() - then) / 60_000;
}

export interface CyclePlan {
  /** State to write when the wakes went out. */
  updates: TargetUpdate[];
  /** State to write when sending failed: counts advance, but no wake is remembered, so the next cycle tries again. */
  updatesWithoutWakes: TargetUpdate[];
  wakes: Wake[];
}

/** Turns a cycle's results and what D1 remembers into new state and the wakes to send. */
export async function planCycle(input: {
  results: ProbeResult[];
  memory: Map<string, TargetMemory>;
  investigations: Map<string, "running" | "done">;
  settings: WakeSettings;
  envelopeEnv: EnvelopeEnv;
  scheduledTime: number;
  now: Date;
}): Promise<CyclePlan> {
  const plan: CyclePlan = { updates: [], updatesWithoutWakes: [], wakes: [] };
  for (const result of input.results) {
    const memory = input.memory.get(memoryKey(result.probe, result.target));
    const investigation = memory?.last_wake_id ? input.investigations.get(memory.last_wake_id) : undefined;
    const open = memory ? isWakeOpen(memory, investigation, input.now) : false;
    const decision = decideWake(result.status, memory, open, input.settings, input.now);
    const kept: TargetUpdate = {
      result,
      consecutive_unhealthy: decision.consecutive_unhealthy,
      last_wake_at: memory?.last_wake_at ?? null,
      last_wake_id: memory?.last_wake_id ?? null,
    };
    plan.updatesWithoutWakes.push(kept);
    if (!decision.wake) {
      plan.updates.push(kept);
      continue;
    }
    const wakeId = await wakeIdFor(input.scheduledTime, result.probe, result.target);
    const message = buildWakeMessage(wakeId, result, decision.consecutive_unhealthy, input.envelopeEnv);
    plan.wakes.push({ message, result });
    plan.updates.push({ ...kept, last_wake_at: input.now.toISOString(), last_wake_id: wakeId });
  }
  return plan;
}
