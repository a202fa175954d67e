import type { Config, KoraEnv } from "../../config";
import type { ProbeName, ProbeStatus, WakeMessage } from "../../contracts";
import { planFromD1, probeRedacted, sendWakes, stepStatements, WakeSendError } from "./cycle";
import type { HoldReason } from "./plan";

/** A verified provider event about one configured target (DESIGN §13). */
export interface EventHint {
  provider: "sentry" | "vercel";
  event_key: string;
  probe: ProbeName;
  target: string;
}

const PROVIDER_NAMES = { sentry: "Sentry", vercel: "Vercel" } as const;

export type EventCheck =
  | { outcome: "woke"; wake: WakeMessage }
  /** The probe does not see trouble, or no longer lists the target: the event stays a record. */
  | { outcome: "not_confirmed"; probe_status: ProbeStatus | "missing" }
  /** The probe agrees, and the incident rules hold the wake (already open, under investigation, …). */
  | { outcome: "held"; reason: HoldReason | "claimed_elsewhere" };

/**
 * An event is a hint, not a verdict (DESIGN §13). That probe runs now for that target; if it
 * agrees the target is unhealthy, the cycle's own rules judge it with the event standing in for
 * the threshold (one observation is enough). So a target already in an open incident or under
 * investigation gets no second wake, a re-failure is a follow-up, and the wake is claimed on the
 * target's state as the cycle claims it: a cron minute and an event racing for one target wake it
 * once. The wake id derives from the event, so checking one event twice sends nothing new. The
 * observation is written as a cycle's would be, so the next cycle counts on from it (and does not
 * mistake the incident the event opened for a re-failure).
 */
export async function wakeOnEvent(env: KoraEnv, config: Config, hint: EventHint, now: Date): Promise<EventCheck> {
  const results = await probeRedacted(env, config, now, { only: [hint.probe] });
  const found = results.find((r) => r.target === hint.target);
  if (found?.status !== "unhealthy") return { outcome: "not_confirmed", probe_status: found?.status ?? "missing" };
  // Says why the operator hears of it between two cycles; `summary` is not part of what counts as a change.
  const result = {
    ...found,
    detail: {
      ...found.detail,
      summary: `${found.detail.summary} (checked at once on ${PROVIDER_NAMES[hint.provider]}'s event)`,
    },
  };

  const plan = await planFromD1(
    env.DB,
    { ...config, KORA_WAKE_AFTER_CYCLES: 1 },
    [result],
    `event\u0000${hint.provider}\u0000${hint.event_key}`,
    now,
  );
  const sent = await sendWakes(env, plan.wakes, now, "system");
  if (sent.error !== undefined) {
    throw new WakeSendError("could not send the event's wake; the next cycle sees the target", { cause: sent.error });
  }
  const writes = stepStatements(
    env.DB,
    plan.steps.filter((step) => step.next.changed),
    now,
  );
  if (writes.length > 0) await env.DB.batch(writes);
  const [wake] = sent.sent;
  if (wake) return { outcome: "woke", wake };
  const [reason] = Object.keys(plan.held) as HoldReason[];
  return { outcome: "held", reason: reason ?? "claimed_elsewhere" };
}
