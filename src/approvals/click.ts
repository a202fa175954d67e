import type { AnyMessageBlock } from "slack-web-api-client";
import { z } from "zod";
import { appendDmLogEntry } from "../audit/dm-log";
import { recordAudit } from "../audit/record";
import { attemptProbeAutofix } from "../autofix";
import type { ExecutorLimits } from "../autofix";
import type { Config, KoraEnv } from "../config";
import { type FixDismissedDetails, sha256Hex } from "../contracts";
import { updateSlackMessage } from "../slack/client";
import { findDeliveredDm } from "../audit/dm-log";
import { approvalNoteBlockId } from "./model";
import { type ApprovalClick, checkApprovalClick, type ClickRefusal } from "./model";
import { APPROVAL_EXECUTOR_LIMITS } from "./model";
import { type Approval, APPROVAL_ID_PATTERN, type ApprovalOutcome } from "./model";
import { type ClickOutcome, describeClickOutcome } from "./blocks";
import { claimApproval, getApproval, recordApprovalOutcome } from "./store";

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

function decisionDetails(click: ApprovalClick, approval: Approval): Omit<FixDismissedDetails, "dismissed_by"> {
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
