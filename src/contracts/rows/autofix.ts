import { z } from "zod";

/**
 * The `tool.probe_autofix_attempted` row (DESIGN §4), written only by `attemptProbeAutofix`
 * (autofix/attempt.ts), once per call. The tool answer the model and MCP callers get is this
 * same object plus `audit_id`, so the DM builder and approvals parse tool answers with it too.
 */

export const MachineSnapshot = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  region: z.string(),
  instance_id: z.string(),
});
export type MachineSnapshot = z.infer<typeof MachineSnapshot>;

/** `shadowed`: shadow mode (DESIGN §12): every gate passed and nothing was sent; `would_take` names the call. */
export const AutofixStatus = z.enum(["attempted", "rejected", "failed", "shadowed"]);
export type AutofixStatus = z.infer<typeof AutofixStatus>;

/**
 * Every refusal, gate by gate (DESIGN §4); gates 1–4 are pure, gate 5 asks Fly and the audit log.
 * Gate 5's reasons, in the order it checks them:
 * - `target_outside_incident`: a reasoning fix names none of its wake's targets (no Fly call made);
 * - `restart_budget_exhausted`: `rejection_detail.scope` says which budget — `wake` (one fix action
 *   per target per wake), `machine` (`KORA_AUTOFIX_MAX_RESTARTS` an hour);
 * - `fleet_budget_exhausted`: `KORA_AUTOFIX_MAX_FLEET_RESTARTS` autonomous restarts an hour, all machines;
 * - `target_not_found`, `target_busy` (leased by someone else, or in a transition Kora cannot
 *   interrupt), `target_already_started` (started and healthy), `target_not_unhealthy` (stopped on
 *   purpose: autostop, requested stop, clean exit, standby, never started);
 * - `action_not_allowed` again when no action of the envelope fits the machine's state (`failed`).
 */
export const GATE_OF_REJECTION = {
  unknown_probe: 1,
  envelope_disabled: 2,
  autonomy_paused: 2,
  action_not_allowed: 3,
  invalid_target_id: 4,
  target_outside_incident: 5,
  target_not_found: 5,
  target_already_started: 5,
  target_not_unhealthy: 5,
  restart_budget_exhausted: 5,
  fleet_budget_exhausted: 5,
  target_busy: 5,
} as const;
export const RejectionReason = z.enum(
  Object.keys(GATE_OF_REJECTION) as [keyof typeof GATE_OF_REJECTION, ...(keyof typeof GATE_OF_REJECTION)[]],
);
export type RejectionReason = z.infer<typeof RejectionReason>;

export const RecoveryOutcome = z.enum(["recovered", "not_recovered", "unknown"]);
export type RecoveryOutcome = z.infer<typeof RecoveryOutcome>;

export const FixAction = z.enum(["start_machine", "restart_machine"]);
export type FixAction = z.infer<typeof FixAction>;

/** A failed call, as the outbound client tags it (or `internal` for a fault of Kora's own). */
export const FixError = z.object({
  kind: z.string(),
  message: z.string(),
  status: z.number().optional(),
  retry_after_seconds: z.number().optional(),
});
export type FixError = z.infer<typeof FixError>;

export const AutofixAttemptDetails = z.object({
  probe: z.string(),
  action: z.string(),
  target_id: z.string(),
  reason_from_reasoning: z.string(),
  status: AutofixStatus,
  rejection_reason: RejectionReason.optional(),
  rejection_detail: z.record(z.string(), z.unknown()).optional(),
  action_taken: FixAction.optional(),
  would_take: FixAction.optional(),
  action_canonical: z.string().optional(),
  fly_app: z.string().optional(),
  before_state: MachineSnapshot.optional(),
  after_state: MachineSnapshot.optional(),
  outcome: RecoveryOutcome.optional(),
  /** On the last read: no critical check and the host reachable (the probe's rule). */
  checks_passing: z.boolean().optional(),
  lease_released: z.boolean().optional(),
  executor_duration_ms: z.number().optional(),
  error: FixError.optional(),
  approved_by: z.string().optional(),
  approval_id: z.string().optional(),
});
export type AutofixAttemptDetails = z.infer<typeof AutofixAttemptDetails>;
