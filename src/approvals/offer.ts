import type { Config, KoraEnv } from "../config";
import { newApprovalId, type Approval } from "./model";
import { approvalEligibility, type AttemptSummary, type Eligibility } from "./eligibility";
import { findOpenApproval, getApproval, insertApproval } from "./store";

export type ApprovalOffer = { offered: true; approval: Approval } | { offered: false; eligibility: Eligibility };

/**
 * Stores a short-lived approval for a fix gate 2 refused, when the refusal is the only thing in
 * the way (see `approvalEligibility`). A redelivered wake gets the approval it already has, so
 * one incident never carries two live buttons for the same fix.
 */
export async function offerApproval(
  env: Pick<KoraEnv, "DB">,
  config: Pick<Config, "KORA_APPROVAL_TTL_MINUTES">,
  caller_session_id: string,
  attempt: AttemptSummary,
  now: Date,
): Promise<ApprovalOffer> {
  const eligibility = approvalEligibility(attempt);
  if (!eligibility.eligible) return { offered: false, eligibility };
  const request = { caller_session_id, ...eligibility.fix };
  const existing = await findOpenApproval(env.DB, request, now.toISOString());
  if (existing) return { offered: true, approval: existing };
  const id = newApprovalId();
  await insertApproval(env.DB, {
    ...request,
    id,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + config.KORA_APPROVAL_TTL_MINUTES * 60_000).toISOString(),
  });
  const stored = await getApproval(env.DB, id);
  if (!stored) throw new Error(`approval ${id} was not stored`);
  return { offered: true, approval: stored };
}
