import { z } from "zod";
import { ProbeName } from "./probes";

/**
 * The queue body of DESIGN §2, shared by the producer (the probe cycle) and the consumer.
 * `v` lets a consumer recognise a message written by an older deploy.
 */
export const WakeMessage = z.object({
  v: z.literal(1),
  wake_id: z.uuid(),
  caller_session_id: z.string().regex(/^wake:[0-9a-f-]{36}$/),
  probe: ProbeName,
  target: z.string().min(1).max(200),
  status: z.literal("unhealthy"),
  observed_at: z.iso.datetime({ offset: true }),
  consecutive_unhealthy: z.number().int().positive(),
  detail: z.record(z.string(), z.unknown()),
  envelope: z.object({ enabled: z.boolean(), fix_name: z.string().nullable() }),
});
export type WakeMessage = z.infer<typeof WakeMessage>;

export const WAKE_QUEUE_NAME = "kora-wake";
export const WAKE_DLQ_NAME = "kora-wake-dlq";
