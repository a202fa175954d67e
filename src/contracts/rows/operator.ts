import { z } from "zod";

/** The rows of an operator's Approve / Dismiss click (DESIGN §4, §8), written by approvals/click.ts. */

const Decision = z.object({
  approval_id: z.string(),
  probe: z.string(),
  action: z.string(),
  target_id: z.string(),
  reason: z.string(),
  approval_created_at: z.string(),
  approval_expires_at: z.string(),
  channel_id: z.string().nullable(),
  message_ts: z.string().nullable(),
  action_ts: z.string(),
});

export const FixApprovedDetails = Decision.extend({ approved_by: z.string() });
export type FixApprovedDetails = z.infer<typeof FixApprovedDetails>;

export const FixDismissedDetails = Decision.extend({ dismissed_by: z.string() });
export type FixDismissedDetails = z.infer<typeof FixDismissedDetails>;

export const ClickRefusalReason = z.enum([
  "unknown_approval",
  "not_operator",
  "target_mismatch",
  "already_decided",
  "expired",
]);
export type ClickRefusalReason = z.infer<typeof ClickRefusalReason>;

export const ApprovalRefusedDetails = z.object({
  approval_id: z.string(),
  decision: z.enum(["approve", "dismiss"]),
  refusal_reason: ClickRefusalReason,
  refusal_detail: z.record(z.string(), z.unknown()),
  slack_user_id: z.string(),
  channel_id: z.string().nullable(),
  message_ts: z.string().nullable(),
  action_ts: z.string(),
});
export type ApprovalRefusedDetails = z.infer<typeof ApprovalRefusedDetails>;
