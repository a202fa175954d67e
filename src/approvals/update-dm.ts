import type { AnyMessageBlock } from "slack-web-api-client";
import { z } from "zod";
import type { Config, KoraEnv } from "../config";
import { updateSlackMessage } from "../slack/client";
import { appendDmLogEntry } from "../audit/dm-log";
import { findDeliveredDm } from "../slack/interactions-dm-lookup";
import { approvalNoteBlockId } from "./blocks";
import type { ApprovalClick } from "./click-gates";
import { describeClickOutcome, type ClickOutcome } from "./outcome-text";

export type DmUpdate = "updated" | "failed" | "no_message";

const NOTICE_BLOCK_ID = "kora_approval_notice";

const StoredBlocks = z.array(z.looseObject({ type: z.string(), block_id: z.string().optional() }));

/**
 * Rewrites the DM the button was on (chat.update) so it says what the click did. A decided or
 * expired approval loses its buttons; a click refused for naming something Kora never offered
 * leaves the real buttons in place and adds a notice. Logged like every other DM.
 */
export async function updateApprovalDm(
  env: KoraEnv,
  config: Config,
  click: ApprovalClick,
  outcome: ClickOutcome,
  key: string,
  now: Date,
): Promise<DmUpdate> {
  if (!click.channel_id || !click.message_ts) return "no_message";
  const original = await findDeliveredDm(env.DB, click.channel_id, click.message_ts);
  if (!original) return "no_message";

  const line = describeClickOutcome(outcome);
  const blocks = rebuildBlocks(original.blocks, original.text, click.block_id, line, closesApproval(outcome));
  const text = `${original.text}\n\n${line}`.slice(0, 40_000);
  const result = await updateSlackMessage(config, { channel: click.channel_id, ts: click.message_ts, text, blocks });
  await appendDmLogEntry(env.DB, {
    id: `approval_update:${key}`,
    created_at: now.toISOString(),
    caller_session_id: original.caller_session_id,
    kind: "approval_update",
    channel: click.channel_id,
    dm_status: result.ok ? "sent" : "failed_send",
    text,
    blocks,
    slack_ts: click.message_ts,
    error: result.ok ? null : result.error,
  });
  return result.ok ? "updated" : "failed";
}

function closesApproval(outcome: ClickOutcome): boolean {
  if (outcome.kind !== "refused") return true;
  switch (outcome.refusal_reason) {
    case "already_decided":
    case "expired":
      return true;
    case "unknown_approval":
    case "target_mismatch":
    case "not_operator":
      return false;
  }
}

function rebuildBlocks(
  stored: string | null,
  text: string,
  clickedBlockId: string,
  line: string,
  close: boolean,
): AnyMessageBlock[] {
  const parsed = StoredBlocks.safeParse(parseJson(stored));
  // Shape-checked above; Slack itself validates the rest of each block on chat.update.
  const original = (parsed.success ? parsed.data : [sectionOf(text)]) as unknown as AnyMessageBlock[];
  const outcomeBlock: AnyMessageBlock = { ...sectionOf(line), block_id: close ? clickedBlockId : NOTICE_BLOCK_ID };
  const noteId = approvalNoteBlockId(clickedBlockId);
  const kept = original.filter((block) => block.block_id !== NOTICE_BLOCK_ID && (!close || block.block_id !== noteId));
  if (!close) return [...kept, outcomeBlock];
  const at = kept.findIndex((block) => block.block_id === clickedBlockId);
  return at === -1 ? [...kept, outcomeBlock] : kept.map((block, index) => (index === at ? outcomeBlock : block));
}

function sectionOf(text: string): AnyMessageBlock {
  return { type: "section", text: { type: "mrkdwn", text: text.slice(0, 3_000) } };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
