import type { AnyMessageBlock } from "slack-web-api-client";
import { z } from "zod";
import type { Config, KoraEnv } from "../config";
import { approvalBlocks } from "./blocks";
import { offerApproval } from "./offer";

/** The parts of a `kora__attempt_probe_autofix` answer an offer needs (its audit-row fields). */
const RefusedAttempt = z.object({
  probe: z.string(),
  action: z.string(),
  target_id: z.string(),
  reason_from_reasoning: z.string(),
  status: z.enum(["attempted", "rejected", "failed"]),
  rejection_reason: z.string().optional(),
});

const AUTOFIX_TOOL = "kora__attempt_probe_autofix";

/**
 * The Approve/Dismiss blocks for an investigation's DM: one approval per fix the envelope refused
 * that would otherwise pass gates 1, 3 and 4 (`approvalEligibility`), at most one per target.
 */
export async function approvalBlocksForToolCalls(
  env: Pick<KoraEnv, "DB">,
  config: Pick<Config, "KORA_APPROVAL_TTL_MINUTES">,
  caller_session_id: string,
  calls: readonly { name: string; is_error: boolean; content?: unknown }[],
  now: Date,
): Promise<AnyMessageBlock[]> {
  const blocks: AnyMessageBlock[] = [];
  const offered = new Set<string>();
  for (const call of calls) {
    if (call.name !== AUTOFIX_TOOL || call.is_error) continue;
    const attempt = RefusedAttempt.safeParse(call.content);
    if (!attempt.success) continue;
    const key = `${attempt.data.probe}:${attempt.data.target_id}`;
    if (offered.has(key)) continue;
    const offer = await offerApproval(env, config, caller_session_id, attempt.data, now);
    if (!offer.offered) continue;
    offered.add(key);
    blocks.push(...approvalBlocks(offer.approval));
  }
  return blocks;
}
