import { z } from "zod";
import { ProbeName } from "../probes";

/**
 * The rows of an incident's life beyond its wakes (DESIGN §11), written under the incident's
 * `caller_session_id` so they join its timeline. `probe.incident_escalated` is written by the wake
 * consumer (wake/), `probe.incident_resolved` by the probe cycle (through incidents/).
 */

export const EscalationReason = z.enum(["refailed_after_fix", "fix_not_recovered", "flapping"]);
export type EscalationReason = z.infer<typeof EscalationReason>;

export const ResolvedBy = z.enum(["kora_fix", "operator_fix", "self"]);
export type ResolvedBy = z.infer<typeof ResolvedBy>;

export const IncidentEscalatedDetails = z.object({
  incident_id: z.string(),
  /** The wake (or follow-up wake) whose handling escalated the incident. */
  wake_id: z.string(),
  probe: ProbeName,
  reason: EscalationReason,
  targets: z.array(z.string()),
  /** Fix attempts that reached the provider so far in the incident. */
  fixes: z.number().int().nonnegative(),
  /** True when the incident had been resolved and this re-failure re-opened it. */
  reopened: z.boolean(),
  /** The operator's DM for it: `sent`, `failed_send`, or null when none was due (the DM already said so). */
  dm_status: z.string().nullable(),
});
export type IncidentEscalatedDetails = z.infer<typeof IncidentEscalatedDetails>;

export const IncidentResolvedDetails = z.object({
  incident_id: z.string(),
  probe: ProbeName,
  targets: z.array(z.string()),
  resolved_by: ResolvedBy,
  /** From the first unhealthy observation to the first healthy one of the streak that resolved it. */
  duration_ms: z.number().int().nonnegative(),
  first_unhealthy_at: z.string(),
  recovered_at: z.string(),
  /** The scheduled time of the cycle that saw the last of `KORA_RESOLVE_AFTER_CYCLES` healthy cycles. */
  resolved_at: z.string(),
  fixes: z.number().int().nonnegative(),
  /** Whether it had escalated, and whether a DM had asked the operator to act: either earns a thread reply. */
  escalated: z.boolean(),
  operator_asked: z.boolean(),
});
export type IncidentResolvedDetails = z.infer<typeof IncidentResolvedDetails>;
