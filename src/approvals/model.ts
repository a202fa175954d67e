import { z } from "zod";
import { runAutofixGates } from "../autofix";
import type { ExecutorLimits } from "../autofix";
import type { AutofixAttemptDetails, RejectionReason } from "../contracts";

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
 * A click's fix runs in `waitUntil` after Slack has its 200, and Cloudflare cancels `waitUntil`
 * work 30 s after the response. Every bound here keeps the whole fix, its audit row and the DM
 * update well inside that; a machine slower to come back is reported `unknown`, not lost.
 */
export const APPROVAL_EXECUTOR_LIMITS: ExecutorLimits = {
  request_timeout_ms: 4_000,
  recovery_bound_ms: 12_000,
  wait_chunk_seconds: 4,
  checks_poll_ms: 1_000,
};

/** A fix the operator may be asked to approve: exactly what the refused attempt named. */
export interface ApprovableFix {
  probe: string;
  action: string;
  target_id: string;
  reason: string;
}

export type Eligibility =
  | { eligible: true; fix: ApprovableFix }
  | { eligible: false; why: "not_refused_by_envelope" }
  | { eligible: false; why: "would_fail_gate"; rejection_reason: RejectionReason };

/**
 * Pure. An Approve button is offered only when gate 2 was the one thing in the way — the envelope
 * off, autonomy paused, or shadow mode holding the fix back (DESIGN §12) — and gates 1, 3 and 4
 * pass without it: approving can stand in for gate 2, never for a gate that judges the fix
 * itself. Gate 5 needs Fly and runs again at click time.
 */
export function approvalEligibility(attempt: AutofixAttemptDetails): Eligibility {
  const heldByGate2 =
    attempt.status === "shadowed" ||
    (attempt.status === "rejected" &&
      (attempt.rejection_reason === "envelope_disabled" || attempt.rejection_reason === "autonomy_paused"));
  if (!heldByGate2) {
    return { eligible: false, why: "not_refused_by_envelope" };
  }
  const gates = runAutofixGates(attempt, { env: {}, skipEnvelopeGate: true });
  if (!gates.ok) return { eligible: false, why: "would_fail_gate", rejection_reason: gates.rejection_reason };
  return {
    eligible: true,
    fix: {
      probe: attempt.probe,
      action: attempt.action,
      target_id: attempt.target_id,
      reason: attempt.reason_from_reasoning,
    },
  };
}

/** The sentence above the buttons saying why Kora is asking; `undefined` keeps the envelope-off one. */
export function approvalReason(attempt: AutofixAttemptDetails): string | undefined {
  if (attempt.status === "shadowed") return "Shadow mode held it back, so Kora changed nothing.";
  if (attempt.rejection_reason === "autonomy_paused") return "Autonomy is paused, so Kora did not act alone.";
  return undefined;
}

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
