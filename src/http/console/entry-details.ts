import { z } from "zod";

/**
 * What the timeline reads out of `details` (DESIGN §3, §4). Audit details are untrusted data
 * written by many paths, so every field is optional and a row that does not fit is shown raw.
 */
const text = z.string().optional();
const num = z.number().optional();

export const MachineState = z.looseObject({
  id: text,
  name: text.nullable(),
  state: text,
  region: text.nullable(),
  instance_id: text.nullable(),
});
export type MachineState = z.infer<typeof MachineState>;

export const WakeDetails = z.looseObject({
  wake_id: text,
  probe: text,
  target: text,
  status: text,
  observed_at: text,
  consecutive_unhealthy: num,
  detail: z.unknown().optional(),
});
export type WakeDetails = z.infer<typeof WakeDetails>;

export const AutofixDetails = z.looseObject({
  probe: text,
  action: text,
  target_id: text,
  reason_from_reasoning: text,
  status: text,
  rejection_reason: text.nullable(),
  rejection_detail: z.unknown().optional(),
  action_taken: text.nullable(),
  action_canonical: text.nullable(),
  fly_app: text.nullable(),
  before_state: MachineState.nullable().optional(),
  after_state: MachineState.nullable().optional(),
  outcome: text.nullable(),
  executor_duration_ms: num.nullable(),
  error: text.nullable(),
  approved_by: text.nullable(),
});
export type AutofixDetails = z.infer<typeof AutofixDetails>;

export const CompletedDetails = z.looseObject({
  model: text.nullable(),
  input_tokens: num,
  output_tokens: num,
  cache_read_input_tokens: num,
  cache_creation_input_tokens: num,
  cost_usd: num,
  turns: num,
  duration_ms: num,
  summary: text.nullable(),
  dm_status: text,
  autofix_attempted: z.boolean().optional(),
});
export type CompletedDetails = z.infer<typeof CompletedDetails>;
