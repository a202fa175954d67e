import type { ActionsBlock, AnyMessageBlock, SectionBlock } from "slack-web-api-client";
import type { Approval } from "./model";

/** The two buttons' `action_id`s: what `POST /slack/interactions` looks for. */
export const APPROVE_ACTION_ID = "kora_approval_approve";
export const DISMISS_ACTION_ID = "kora_approval_dismiss";

const BLOCK_ID_PREFIX = "kora_approval";

export interface FixNamed {
  probe: string;
  action: string;
  target_id: string;
}

/**
 * The actions block names the fix it was shown for. A click whose block names another fix than
 * the stored approval is refused (`target_mismatch`): the button cannot be moved to a target it
 * was not offered for, even by someone who can sign requests.
 */
export function approvalBlockId(fix: FixNamed): string {
  return `${BLOCK_ID_PREFIX}:${fix.probe}:${fix.action}:${fix.target_id}`.slice(0, 255);
}

/** The note above the buttons: removed with them once the approval is decided. */
export function approvalNoteBlockId(actionsBlockId: string): string {
  return actionsBlockId.replace(BLOCK_ID_PREFIX, `${BLOCK_ID_PREFIX}_note`).slice(0, 255);
}

export function parseApprovalBlockId(blockId: string): FixNamed | null {
  const [prefix, probe, action, ...rest] = blockId.split(":");
  if (prefix !== BLOCK_ID_PREFIX || !probe || !action || rest.length === 0) return null;
  return { probe, action, target_id: rest.join(":") };
}

/**
 * What the DM adds when a fix waits for the operator: one line saying what would run and until
 * when, and Approve / Dismiss buttons whose value is the approval id, never the parameters.
 */
export function approvalBlocks(approval: Approval): AnyMessageBlock[] {
  const expires = Math.floor(new Date(approval.expires_at).getTime() / 1000);
  const blockId = approvalBlockId(approval);
  const section: SectionBlock = {
    type: "section",
    block_id: approvalNoteBlockId(blockId),
    text: {
      type: "mrkdwn",
      text:
        `*Waiting for you:* \`${approval.action}\` on \`${approval.target_id}\` (${approval.probe}). ` +
        `Its fix envelope is off, so Kora did not act alone. Approving runs the same checks again ` +
        `(target, state, restart budget, leases) before anything changes. ` +
        `Expires <!date^${expires}^{date_short_pretty} {time}|${approval.expires_at}>.`,
    },
  };
  const actions: ActionsBlock = {
    type: "actions",
    block_id: blockId,
    elements: [
      {
        type: "button",
        action_id: APPROVE_ACTION_ID,
        style: "primary",
        text: { type: "plain_text", text: "Approve" },
        value: approval.id,
        confirm: {
          title: { type: "plain_text", text: "Run this fix?" },
          text: { type: "plain_text", text: `${approval.action} on ${approval.target_id}`.slice(0, 300) },
          confirm: { type: "plain_text", text: "Approve" },
          deny: { type: "plain_text", text: "Cancel" },
        },
      },
      {
        type: "button",
        action_id: DISMISS_ACTION_ID,
        text: { type: "plain_text", text: "Dismiss" },
        value: approval.id,
      },
    ],
  };
  return [section, actions];
}
