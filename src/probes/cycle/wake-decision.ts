import type { ProbeStatus } from "../providers/probe-result";

/** What the cycle remembers per (probe, target) between cycles (table `probe_state`). */
export interface TargetMemory {
  consecutive_unhealthy: number;
  last_wake_at: string | null;
  last_wake_id: string | null;
}

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
