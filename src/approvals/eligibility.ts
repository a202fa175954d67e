import type { AutofixStatus } from "../autofix/attempt";
import { runAutofixGates, type GateRejection } from "../autofix/gates";

/** A fix the operator may be asked to approve: exactly what the refused attempt named. */
export interface ApprovableFix {
  probe: string;
  action: string;
  target_id: string;
  reason: string;
}

/** What an autofix answer (its audit row's details) says about one attempt. */
export interface AttemptSummary {
  probe: string;
  action: string;
  target_id: string;
  reason_from_reasoning: string;
  status: AutofixStatus;
  rejection_reason?: string | undefined;
}

export type Eligibility =
  | { eligible: true; fix: ApprovableFix }
  | { eligible: false; why: "not_refused_by_envelope" }
  | { eligible: false; why: "would_fail_gate"; rejection_reason: GateRejection["rejection_reason"] };

/**
 * Pure. An Approve button is offered only when gate 2 (envelope off) was the one refusal and
 * gates 1, 3 and 4 pass without it: approving can stand in for the envelope, never for a gate
 * that judges the fix itself. Gate 5 needs Fly and runs again at click time.
 */
export function approvalEligibility(attempt: AttemptSummary): Eligibility {
  if (attempt.status !== "rejected" || attempt.rejection_reason !== "envelope_disabled") {
    return { eligible: false, why: "not_refused_by_envelope" };
  }
  const gates = runAutofixGates(attempt, { env: {}, skipEnvelopeGate: true });
  if (!gates.ok) return { eligible: false, why: "would_fail_gate", rejection_reason: gates.rejection_reason };
  return {
    eligible: true,
    fix: {
      probe: attempt.probe,
      action: attempt.action,
      target_id: attempt.target_id,
      reason: attempt.reason_from_reasoning,
    },
  };
}
