import type { AnyMessageBlock } from "slack-web-api-client";
import type { Config, KoraEnv } from "../config";
import type { AutofixAttemptDetails, IncidentScope } from "../contracts";
import { approvalBlocks } from "./blocks";
import { approvalEligibility, approvalReason, newApprovalId, type Approval, type Eligibility } from "./model";
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
  attempt: AutofixAttemptDetails,
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

/**
 * The Approve/Dismiss blocks for an investigation's DM: one approval per fix the envelope refused
 * that would otherwise pass gates 1, 3 and 4 (`approvalEligibility`), at most one per target, and
 * only for the incident's own targets. With the envelope off, gate 2 refuses before gate 5 can
 * check the scope, so without this a model steered by injected text ("the real fault is machine
 * X") would put a button for an unrelated machine in front of the operator.
 */
export async function approvalBlocksForAttempts(
  env: Pick<KoraEnv, "DB">,
  config: Pick<Config, "KORA_APPROVAL_TTL_MINUTES">,
  caller_session_id: string,
  attempts: readonly AutofixAttemptDetails[],
  now: Date,
  incident: Pick<IncidentScope, "probe" | "targets">,
): Promise<AnyMessageBlock[]> {
  const blocks: AnyMessageBlock[] = [];
  const offered = new Set<string>();
  const inScope = new Set(incident.targets.map((entry) => `${incident.probe}:${entry.target}`));
  for (const attempt of attempts) {
    const key = `${attempt.probe}:${attempt.target_id}`;
    if (offered.has(key) || !inScope.has(key)) continue;
    const offer = await offerApproval(env, config, caller_session_id, attempt, now);
    if (!offer.offered) continue;
    offered.add(key);
    blocks.push(...approvalBlocks(offer.approval, approvalReason(attempt)));
  }
  return blocks;
}
