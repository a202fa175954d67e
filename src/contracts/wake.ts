import { z } from "zod";
import { WakeEnvelope } from "./envelopes";
import { ProbeName } from "./probes";

/**
 * The queue body of DESIGN §2 and §11, shared by the producer (the probe cycle) and the consumer.
 * `v` lets a consumer recognise a message written by an older deploy: v1 (one target) is still
 * accepted and read as a v2 `wake` with one target.
 */

/** `wake` opens an incident; `refailure` and `flapping` are follow-ups that escalate without the model. */
export const WakeKind = z.enum(["wake", "refailure", "flapping"]);
export type WakeKind = z.infer<typeof WakeKind>;

/** One target of a wake: a storm of one probe in one cycle is one wake with several. */
export const WakeTarget = z.object({
  target: z.string().min(1).max(200),
  status: z.literal("unhealthy"),
  consecutive_unhealthy: z.number().int().nonnegative(),
  detail: z.record(z.string(), z.unknown()),
  /** Fly only: the app the machine was seen in, where gate 5 looks first. */
  fly_app: z.string().min(1).max(100).optional(),
  /** The first unhealthy observation of this failure (a cycle's scheduled time): a re-failure says how long after the fix it came. */
  unhealthy_since: z.iso.datetime({ offset: true }).optional(),
  /** A flapping target: how many times its status changed within the flap window. */
  status_changes: z.number().int().nonnegative().optional(),
});
export type WakeTarget = z.infer<typeof WakeTarget>;

const WakeCommon = z.object({
  wake_id: z.uuid(),
  /** The incident's id (its opening wake's session): a follow-up wake carries its incident's. */
  caller_session_id: z.string().regex(/^wake:[0-9a-f-]{36}$/),
  probe: ProbeName,
  /** The first target, as in v1. */
  target: z.string().min(1).max(200),
  status: z.literal("unhealthy"),
  observed_at: z.iso.datetime({ offset: true }),
  consecutive_unhealthy: z.number().int().positive(),
  detail: z.record(z.string(), z.unknown()),
  envelope: WakeEnvelope,
});

export const WakeMessageV1 = WakeCommon.extend({ v: z.literal(1) });
export type WakeMessageV1 = z.infer<typeof WakeMessageV1>;

export const WakeMessageV2 = WakeCommon.extend({
  v: z.literal(2),
  kind: WakeKind,
  targets: z.array(WakeTarget).min(1).max(100),
});
export type WakeMessageV2 = z.infer<typeof WakeMessageV2>;

/** What the consumer parses: either version, always read as v2. */
export const WakeMessage = z
  .discriminatedUnion("v", [WakeMessageV1, WakeMessageV2])
  .transform((message): WakeMessageV2 =>
    message.v === 2
      ? message
      : {
          ...message,
          v: 2,
          kind: "wake",
          targets: [
            {
              target: message.target,
              status: message.status,
              consecutive_unhealthy: message.consecutive_unhealthy,
              detail: message.detail,
            },
          ],
        },
  );
export type WakeMessage = WakeMessageV2;

export const WAKE_QUEUE_NAME = "kora-wake";
export const WAKE_DLQ_NAME = "kora-wake-dlq";
