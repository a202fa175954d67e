import type { ActionsBlock, AnyMessageBlock, SectionBlock } from "slack-web-api-client";
import type { AutofixResult } from "../autofix";
import { fixSentence } from "../slack/fix-text";
import { approvalBlockId, approvalNoteBlockId, type Approval, type ClickRefusal } from "./model";

/** The two buttons' `action_id`s: what `POST /slack/interactions` looks for. */
export const APPROVE_ACTION_ID = "kora_approval_approve";
export const DISMISS_ACTION_ID = "kora_approval_dismiss";

/** Why the operator is asked, when the DM does not say otherwise: the envelope is off. */
export const ENVELOPE_OFF_WHY = "Its fix envelope is off, so Kora did not act alone.";

/**
 * What the DM adds when a fix waits for the operator: one line saying what would run and until
 * when, and Approve / Dismiss buttons whose value is the approval id, never the parameters.
 */
export function approvalBlocks(approval: Approval, why: string = ENVELOPE_OFF_WHY): AnyMessageBlock[] {
  const expires = Math.floor(new Date(approval.expires_at).getTime() / 1000);
  const blockId = approvalBlockId(approval);
  const section: SectionBlock = {
    type: "section",
    block_id: approvalNoteBlockId(blockId),
    text: {
      type: "mrkdwn",
      text:
        `*Waiting for you:* \`${approval.action}\` on \`${approval.target_id}\` (${approval.probe}). ` +
        `${why} Approving runs the same checks again ` +
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

/** What happened to a click, in the words the updated DM uses. */
export type ClickOutcome =
  | { kind: "approved"; user_id: string; at: string; fix: AutofixResult }
  | { kind: "dismissed"; user_id: string; at: string }
  | ({ kind: "refused" } & ClickRefusal);

/** Pure: one line for the DM. Every line says whether anything changed, so nobody has to guess. */
export function describeClickOutcome(outcome: ClickOutcome): string {
  switch (outcome.kind) {
    case "approved":
      return `Approved by <@${outcome.user_id}> at ${outcome.at}. ${fixSentence(outcome.fix)}`;
    case "dismissed":
      return `:heavy_minus_sign: Dismissed by <@${outcome.user_id}> at ${outcome.at}. Nothing was changed.`;
    case "refused":
      return describeRefusal(outcome);
  }
}

function describeRefusal(refusal: ClickRefusal): string {
  switch (refusal.refusal_reason) {
    case "unknown_approval":
      return ":no_entry: That button does not match any approval Kora issued. Nothing was run.";
    case "not_operator":
      return `:no_entry: Only the configured operator may decide; <@${refusal.refusal_detail.user_id}> is not. Nothing was run.`;
    case "target_mismatch":
      return ":no_entry: That button named a different fix than its approval. Nothing was run.";
    case "already_decided": {
      const { decided_by, decided_at, outcome } = refusal.refusal_detail;
      const who = decided_by ? ` by <@${decided_by}>` : "";
      return `:information_source: This approval was already used${who} at ${decided_at ?? "an earlier time"} (${outcome ?? "decided"}). Nothing new was run.`;
    }
    case "expired":
      return `:hourglass: This approval expired at ${refusal.refusal_detail.expires_at}. Nothing was run; fix it by hand or wait for the next wake.`;
  }
}
