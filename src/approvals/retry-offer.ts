import type { AnyMessageBlock } from "slack-web-api-client";
import { runAutofixGates } from "../autofix";
import type { Config, KoraEnv } from "../config";
import { FIX_ENVELOPES, ProbeName } from "../contracts";
import { approvalBlocks } from "./blocks";
import { newApprovalId } from "./model";
import { findOpenApproval, getApproval, insertApproval } from "./store";

/** A re-failure's DM stays within Slack's 50 blocks however many machines failed again. */
const MAX_RETRY_OFFERS = 5;

const RETRY_WHY = "It failed again after a fix, so Kora will not restart it again on its own.";

/**
 * Approve/Dismiss for one more try after a re-failure (DESIGN §11): the envelope's own fix on each
 * target, offered when gates 1, 3 and 4 pass without the envelope (gate 5 runs again at click
 * time, with the restart budget). A redelivered follow-up gets the approvals it already has.
 */
export async function retryApprovalBlocks(
  env: Pick<KoraEnv, "DB">,
  config: Pick<Config, "KORA_APPROVAL_TTL_MINUTES">,
  caller_session_id: string,
  fixes: readonly { probe: string; target_id: string; reason: string }[],
  now: Date,
): Promise<AnyMessageBlock[]> {
  const blocks: AnyMessageBlock[] = [];
  for (const fix of fixes.slice(0, MAX_RETRY_OFFERS)) {
    const probe = ProbeName.safeParse(fix.probe);
    const action = probe.success ? FIX_ENVELOPES[probe.data].fix_name : null;
    if (!action) continue;
    const request = { caller_session_id, probe: fix.probe, action, target_id: fix.target_id, reason: fix.reason };
    if (!runAutofixGates(request, { env: {}, skipEnvelopeGate: true }).ok) continue;
    let approval = await findOpenApproval(env.DB, request, now.toISOString());
    if (!approval) {
      const id = newApprovalId();
      await insertApproval(env.DB, {
        ...request,
        id,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + config.KORA_APPROVAL_TTL_MINUTES * 60_000).toISOString(),
      });
      approval = await getApproval(env.DB, id);
    }
    if (approval) blocks.push(...approvalBlocks(approval, RETRY_WHY));
  }
  return blocks;
}
