import { z } from "zod";

/**
 * One operator approval of one fix (DESIGN §4, §8). The Slack button carries only `id`; the
 * parameters stay here, so a click can never name a fix Kora did not offer.
 */

/** 128 random bits, base64url: unguessable, and short enough for a button `value`. */
export const APPROVAL_ID_PATTERN = /^apr_[A-Za-z0-9_-]{22}$/;

export const ApprovalOutcome = z.enum([
  /** Claimed by an approve click; the fix is running (or its worker died: never re-run). */
  "approved",
  "dismissed",
  /** The approved fix ran: `tool.probe_autofix_attempted` holds the rest. */
  "fix_attempted",
  "fix_rejected",
  "fix_failed",
]);
export type ApprovalOutcome = z.infer<typeof ApprovalOutcome>;

export const Approval = z.object({
  id: z.string(),
  caller_session_id: z.string(),
  probe: z.string(),
  action: z.string(),
  target_id: z.string(),
  reason: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  decided_by: z.string().nullable(),
  decided_at: z.string().nullable(),
  outcome: ApprovalOutcome.nullable(),
});
export type Approval = z.infer<typeof Approval>;

/** What an approval is for: the same four fields `attemptProbeAutofix` takes. */
export interface ApprovalRequest {
  caller_session_id: string;
  probe: string;
  action: string;
  target_id: string;
  reason: string;
}

export function newApprovalId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const base64 = btoa(String.fromCharCode(...bytes));
  return `apr_${base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}
