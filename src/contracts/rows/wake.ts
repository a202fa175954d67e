import { z } from "zod";
import { DmStatus } from "../dm";
import { WakeEnvelope } from "../envelopes";
import { ProbeName } from "../probes";
import { WakeKind } from "../wake";

/**
 * The rows of a wake's life (DESIGN §2, §3). `probe.wake_requested` is written by the probe
 * cycle (probes/cycle); the other three by the wake consumer (wake/).
 */

export const WakeRequestedDetails = z.object({
  wake_id: z.string(),
  /** v2 (§11): absent on rows written before incidents, which were all `wake`. */
  kind: WakeKind.optional(),
  probe: ProbeName,
  target: z.string(),
  status: z.string(),
  observed_at: z.string(),
  consecutive_unhealthy: z.number().int(),
  /** The probe's whole detail (the queue message carries a compacted copy). */
  detail: z.record(z.string(), z.unknown()),
  envelope: WakeEnvelope,
  /** Every target of the wake (a storm groups several), each with its whole detail. */
  targets: z
    .array(
      z.object({
        target: z.string(),
        consecutive_unhealthy: z.number().int(),
        detail: z.record(z.string(), z.unknown()),
        unhealthy_since: z.string().optional(),
        status_changes: z.number().int().optional(),
      }),
    )
    .optional(),
});
export type WakeRequestedDetails = z.infer<typeof WakeRequestedDetails>;

/** A queue body that did not parse (a poison message): acked after this row. */
export const WakeRejectedDetails = z.object({
  message_id: z.string(),
  attempts: z.number().int(),
  problems: z.array(z.string()),
});
export type WakeRejectedDetails = z.infer<typeof WakeRejectedDetails>;

/** A wake that exhausted its retries; the wake fields are there when its body parsed. */
export const WakeDeadLetteredDetails = z.object({
  message_id: z.string(),
  attempts: z.number().int(),
  parsed: z.literal(false).optional(),
  wake_id: z.string().optional(),
  probe: ProbeName.optional(),
  target: z.string().optional(),
  notice_dm_status: DmStatus.nullable().optional(),
  notice_skipped: z.string().nullable().optional(),
});
export type WakeDeadLetteredDetails = z.infer<typeof WakeDeadLetteredDetails>;

export const InvestigationCompletedDetails = z.object({
  wake_id: z.string(),
  probe: ProbeName,
  target: z.string(),
  model: z.string().nullable(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_read_input_tokens: z.number(),
  cache_creation_input_tokens: z.number(),
  cost_usd: z.number(),
  turns: z.number().int(),
  duration_ms: z.number(),
  summary: z.string(),
  dm_status: DmStatus,
  autofix_attempted: z.boolean(),
  /** `primary`, `economy`, or `unavailable:<reason>`. */
  engine: z.string(),
  loop_end: z.string().nullable(),
  /** `refused`: the loop did not run the call (`deadline`, `turn_limit`, `investigation_limit`). */
  tool_calls: z.array(z.object({ name: z.string(), is_error: z.boolean(), refused: z.string().optional() })),
  fix_attempts: z.array(
    z.object({
      target_id: z.string(),
      status: z.string(),
      outcome: z.string().nullable(),
      rejection_reason: z.string().nullable(),
    }),
  ),
  dm_error: z.string().nullable(),
  left_to_decide: z.string(),
});
export type InvestigationCompletedDetails = z.infer<typeof InvestigationCompletedDetails>;
