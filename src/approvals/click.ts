import { recordAudit } from "../audit/record";
import { attemptProbeAutofix } from "../autofix/attempt";
import type { ExecutorLimits } from "../autofix/limits";
import type { Config, KoraEnv } from "../config";
import { sha256Hex } from "../contracts/crypto";
import { findDeliveredDm } from "../slack/interactions-dm-lookup";
import { APPROVAL_ID_PATTERN, type Approval, type ApprovalOutcome } from "./model";
import { checkApprovalClick, type ApprovalClick, type ClickRefusal } from "./click-gates";
import { APPROVAL_EXECUTOR_LIMITS } from "./limits";
import type { ClickOutcome } from "./outcome-text";
import { claimApproval, getApproval, recordApprovalOutcome } from "./store";
import { updateApprovalDm, type DmUpdate } from "./update-dm";

export interface ClickContext {
  env: KoraEnv;
  config: Config;
  now: () => Date;
  /** Shorter bounds for tests; production uses APPROVAL_EXECUTOR_LIMITS. */
  limits?: Partial<ExecutorLimits>;
}

export interface HandledClick {
  caller_session_id: string;
  outcome: ClickOutcome;
  /** `untouched`: a stranger's click leaves the operator's DM as it was. */
  dm: DmUpdate | "untouched";
}

/**
 * One verified Approve or Dismiss press, start to end: look the approval up, check who and what
 * (pure), claim it atomically, write the decision's audit row, run the fix through the same
 * pipeline as every other caller (gate 2 skipped, gates 1, 3, 4, 5 run), and rewrite the DM.
 * Every path writes exactly one `operator.*` row for the click.
 */
export async function handleApprovalClick(click: ApprovalClick, ctx: ClickContext): Promise<HandledClick> {
  const { env, config } = ctx;
  const now = ctx.now();
  const approval = APPROVAL_ID_PATTERN.test(click.approval_id) ? await getApproval(env.DB, click.approval_id) : null;
  const session = approval?.caller_session_id ?? (await sessionOfClickedDm(env.DB, click));
  const check = checkApprovalClick(approval, click, config.KORA_SLACK_OPERATOR_USER_ID, now);
  if (!check.ok) return refuse(ctx, click, session, check, now);

  const claimed = await claimApproval(env.DB, {
    id: check.approval.id,
    decided_by: click.user_id,
    decided_at: now.toISOString(),
    outcome: click.decision === "approve" ? "approved" : "dismissed",
  });
  if (!claimed) {
    // Another click won the race, or the approval expired in between: say which.
    const fresh = await getApproval(env.DB, check.approval.id);
    const recheck = checkApprovalClick(fresh, click, config.KORA_SLACK_OPERATOR_USER_ID, now);
    const refusal: ClickRefusal = recheck.ok
      ? { refusal_reason: "already_decided", refusal_detail: { decided_by: null, decided_at: null, outcome: null } }
      : recheck;
    return refuse(ctx, click, session, refusal, now);
  }
  return click.decision === "approve"
    ? approve(ctx, click, check.approval, now)
    : dismiss(ctx, click, check.approval, now);
}

async function approve(ctx: ClickContext, click: ApprovalClick, approval: Approval, now: Date): Promise<HandledClick> {
  await recordAudit(
    ctx.env,
    {
      id: `approval_decided:${approval.id}`,
      seam: "operator.fix_approved",
      caller_session_id: approval.caller_session_id,
      source: "operator",
      details: { ...decisionDetails(click, approval), approved_by: click.user_id },
    },
    now,
  );
  const fix = await attemptProbeAutofix(
    { probe: approval.probe, action: approval.action, target_id: approval.target_id, reason: approval.reason },
    {
      env: ctx.env,
      config: ctx.config,
      caller_session_id: approval.caller_session_id,
      source: "operator",
      now: ctx.now,
      approval: { approved_by: click.user_id, approval_id: approval.id },
      limits: { ...APPROVAL_EXECUTOR_LIMITS, ...ctx.limits },
      audit_id: `autofix:${approval.id}`,
    },
  );
  const stored: ApprovalOutcome =
    fix.status === "attempted" ? "fix_attempted" : fix.status === "rejected" ? "fix_rejected" : "fix_failed";
  await recordApprovalOutcome(ctx.env.DB, approval.id, stored);
  const outcome: ClickOutcome = { kind: "approved", user_id: click.user_id, at: now.toISOString(), fix };
  const dm = await updateApprovalDm(ctx.env, ctx.config, click, outcome, approval.id, ctx.now());
  return { caller_session_id: approval.caller_session_id, outcome, dm };
}

async function dismiss(ctx: ClickContext, click: ApprovalClick, approval: Approval, now: Date): Promise<HandledClick> {
  await recordAudit(
    ctx.env,
    {
      id: `approval_decided:${approval.id}`,
      seam: "operator.fix_dismissed",
      caller_session_id: approval.caller_session_id,
      source: "operator",
      details: { ...decisionDetails(click, approval), dismissed_by: click.user_id },
    },
    now,
  );
  const outcome: ClickOutcome = { kind: "dismissed", user_id: click.user_id, at: now.toISOString() };
  const dm = await updateApprovalDm(ctx.env, ctx.config, click, outcome, approval.id, ctx.now());
  return { caller_session_id: approval.caller_session_id, outcome, dm };
}

async function refuse(
  ctx: ClickContext,
  click: ApprovalClick,
  session: string,
  refusal: ClickRefusal,
  now: Date,
): Promise<HandledClick> {
  // One row per click: the same request delivered twice (a replay) is one refusal, not two.
  const key = `refused:${await sha256Hex(JSON.stringify([click.approval_id, click.decision, click.user_id, click.action_ts]))}`;
  await recordAudit(
    ctx.env,
    {
      id: `approval_${key}`,
      seam: "operator.approval_refused",
      caller_session_id: session,
      source: "operator",
      details: {
        approval_id: click.approval_id.slice(0, 64),
        decision: click.decision,
        refusal_reason: refusal.refusal_reason,
        refusal_detail: refusal.refusal_detail,
        slack_user_id: click.user_id,
        channel_id: click.channel_id,
        message_ts: click.message_ts,
        action_ts: click.action_ts,
      },
    },
    now,
  );
  const outcome: ClickOutcome = { kind: "refused", ...refusal };
  // A stranger's click must not rewrite the operator's DM (nor take its buttons away).
  const dm =
    refusal.refusal_reason === "not_operator"
      ? "untouched"
      : await updateApprovalDm(ctx.env, ctx.config, click, outcome, key, ctx.now());
  return { caller_session_id: session, outcome, dm };
}

function decisionDetails(click: ApprovalClick, approval: Approval): Record<string, unknown> {
  return {
    approval_id: approval.id,
    probe: approval.probe,
    action: approval.action,
    target_id: approval.target_id,
    reason: approval.reason,
    approval_created_at: approval.created_at,
    approval_expires_at: approval.expires_at,
    channel_id: click.channel_id,
    message_ts: click.message_ts,
    action_ts: click.action_ts,
  };
}

/** A click on an approval Kora never issued still belongs to the incident whose DM it was on. */
async function sessionOfClickedDm(db: D1Database, click: ApprovalClick): Promise<string> {
  if (click.channel_id && click.message_ts) {
    const dm = await findDeliveredDm(db, click.channel_id, click.message_ts);
    if (dm) return dm.caller_session_id;
  }
  return "slack:unmatched_click";
}
