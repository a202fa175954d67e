import { APPROVAL_ID_PATTERN, type Approval } from "./model";
import { parseApprovalBlockId, type FixNamed } from "./blocks";

export type Decision = "approve" | "dismiss";

/** One press of Approve or Dismiss, as Slack reported it (signature already verified). */
export interface ApprovalClick {
  decision: Decision;
  /** The button's value: meant to be an approval id, but whatever arrived. */
  approval_id: string;
  block_id: string;
  user_id: string;
  channel_id: string | null;
  message_ts: string | null;
  action_ts: string;
}

export type ClickRefusal =
  | { refusal_reason: "unknown_approval"; refusal_detail: { well_formed: boolean } }
  | { refusal_reason: "not_operator"; refusal_detail: { user_id: string; operator_configured: boolean } }
  | { refusal_reason: "target_mismatch"; refusal_detail: { clicked: FixNamed | null; approved: FixNamed } }
  | {
      refusal_reason: "already_decided";
      refusal_detail: { decided_by: string | null; decided_at: string | null; outcome: string | null };
    }
  | { refusal_reason: "expired"; refusal_detail: { expires_at: string } };

export type ClickCheck = { ok: true; approval: Approval } | ({ ok: false } & ClickRefusal);

/**
 * Pure, `now` passed in, first failure wins. Who may decide comes before anything about the
 * approval's state, so a stranger's click tells them nothing and changes nothing. The same
 * "decided" and "expired" checks run again inside the atomic claim; these give the reason.
 */
export function checkApprovalClick(
  approval: Approval | null,
  click: ApprovalClick,
  operatorUserId: string | undefined,
  now: Date,
): ClickCheck {
  if (!approval) {
    return {
      ok: false,
      refusal_reason: "unknown_approval",
      refusal_detail: { well_formed: APPROVAL_ID_PATTERN.test(click.approval_id) },
    };
  }
  if (!operatorUserId || click.user_id !== operatorUserId) {
    return {
      ok: false,
      refusal_reason: "not_operator",
      refusal_detail: { user_id: click.user_id, operator_configured: operatorUserId !== undefined },
    };
  }
  const clicked = parseApprovalBlockId(click.block_id);
  const approved: FixNamed = { probe: approval.probe, action: approval.action, target_id: approval.target_id };
  if (
    !clicked ||
    clicked.probe !== approved.probe ||
    clicked.action !== approved.action ||
    clicked.target_id !== approved.target_id
  ) {
    return { ok: false, refusal_reason: "target_mismatch", refusal_detail: { clicked, approved } };
  }
  if (approval.decided_at !== null) {
    return {
      ok: false,
      refusal_reason: "already_decided",
      refusal_detail: { decided_by: approval.decided_by, decided_at: approval.decided_at, outcome: approval.outcome },
    };
  }
  if (new Date(approval.expires_at).getTime() <= now.getTime()) {
    return { ok: false, refusal_reason: "expired", refusal_detail: { expires_at: approval.expires_at } };
  }
  return { ok: true, approval };
}
