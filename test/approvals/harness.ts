import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AnyMessageBlock } from "slack-web-api-client";
import { newApprovalId, type Approval } from "../../src/approvals/model";
import { approvalBlocks } from "../../src/approvals/blocks";
import { offerApproval } from "../../src/approvals/offer";
import { getApproval, insertApproval } from "../../src/approvals/store";
import { readSessionTimeline } from "../../src/audit/timeline";
import { parseConfig, type KoraEnv } from "../../src/config";
import worker from "../../src/index";
import { sendOperatorDm } from "../../src/slack/send-dm";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import {
  blockActionsPayload,
  buttonsOf,
  signInteraction,
  type ButtonSeen,
  type SignedInteraction,
} from "../fakes/slack-interactions.ts";
import type { SlackPost } from "../fakes/slack.ts";
import { world } from "../world";

export const OPERATOR = TEST_SECRETS.KORA_SLACK_OPERATOR_USER_ID ?? "";
export const SIGNING_SECRET = TEST_SECRETS.KORA_SLACK_SIGNING_SECRET ?? "";
export const PROD = "kora-web";
export const kora: KoraEnv = env;

/** A fresh machine id per test: the restart budget is counted per machine across the file. */
export const machineId = () => `m${crypto.randomUUID().replace(/-/g, "").slice(0, 13)}`;

/** Posts to the Worker's real fetch handler and waits for its `waitUntil` work (the fix) too. */
export async function postInteraction(signed: SignedInteraction, vars: Partial<KoraEnv> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request("https://kora.test/slack/interactions", {
    method: "POST",
    headers: signed.headers,
    body: signed.body,
  });
  const response = await worker.fetch(request, { ...kora, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export interface AwaitingIncident {
  session: string;
  approval: Approval;
  post: SlackPost;
  approve: ButtonSeen;
  dismiss: ButtonSeen;
}

/**
 * An incident whose DM is waiting for the operator: the approval row and the DM carrying its
 * buttons, sent through the real DM path into the fake Slack. `fix` defaults to a Fly restart of
 * `target`; `raw` stores the approval as given, bypassing the offer's eligibility check, to stand
 * for a row the offer would never write (the gates must still refuse it at click time).
 */
export async function incidentAwaitingApproval(options: {
  target: string;
  fix?: { probe?: string; action?: string };
  raw?: boolean;
  createdAt?: Date;
}): Promise<AwaitingIncident> {
  const session = `wake:${crypto.randomUUID()}`;
  const config = parseConfig(kora);
  const created = options.createdAt ?? new Date();
  const fix = {
    probe: options.fix?.probe ?? "fly",
    action: options.fix?.action ?? "restart_machine",
    target_id: options.target,
    reason: `machine ${options.target} crashed with exit code 1`,
  };
  let approval: Approval | null;
  if (options.raw) {
    const id = newApprovalId();
    await insertApproval(kora.DB, {
      ...fix,
      id,
      caller_session_id: session,
      created_at: created.toISOString(),
      expires_at: new Date(created.getTime() + config.KORA_APPROVAL_TTL_MINUTES * 60_000).toISOString(),
    });
    approval = await getApproval(kora.DB, id);
  } else {
    const offer = await offerApproval(
      kora,
      config,
      session,
      { ...fix, reason_from_reasoning: fix.reason, status: "rejected", rejection_reason: "envelope_disabled" },
      created,
    );
    if (!offer.offered) throw new Error(`approval not offered: ${JSON.stringify(offer.eligibility)}`);
    approval = offer.approval;
  }
  if (!approval) throw new Error("approval not stored");
  const blocks: AnyMessageBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: `Machine \`${options.target}\` crashed (exit code 1).` } },
    ...approvalBlocks(approval),
  ];
  const delivery = await sendOperatorDm(
    kora,
    config,
    { id: `dm:${session}`, caller_session_id: session, kind: "investigation", text: "Machine crashed", blocks },
    new Date(),
  );
  const post = (await world.slack.posts()).find((p) => p.ts === delivery.slack_ts);
  if (!post) throw new Error("the DM did not reach the fake Slack");
  const [approve, dismiss] = buttonsOf(post.blocks);
  if (!approve || !dismiss) throw new Error("the DM carries no Approve/Dismiss buttons");
  return { session, approval, post, approve, dismiss };
}

/** A press of `button` on `post`, signed as Slack signs it; every field can be bent for a test. */
export async function press(
  post: SlackPost,
  button: ButtonSeen,
  options: { user_id?: string; timestamp?: number; secret?: string; action_ts?: string } = {},
): Promise<SignedInteraction> {
  const payload = blockActionsPayload({
    user_id: options.user_id ?? OPERATOR,
    channel_id: post.channel,
    message_ts: post.ts,
    button,
    message_text: post.text,
    ...(options.action_ts ? { action_ts: options.action_ts } : {}),
  });
  return signInteraction(payload, {
    signingSecret: options.secret ?? SIGNING_SECRET,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
}

export async function flyMutations(): Promise<string[]> {
  return (await world.requests({ provider: "fly", mutating: true })).map((r) => `${r.method} ${r.path}`);
}

/** The incident's timeline (audit and DM rows), as `GET /api/sessions/:id/timeline` reads it. */
export async function timeline(session: string) {
  return (await readSessionTimeline(kora.DB, session, { limit: 200 })).entries;
}

export async function seams(session: string): Promise<string[]> {
  return (await timeline(session)).flatMap((entry) => (entry.kind === "audit" ? [entry.row.seam] : []));
}

export async function auditRows(session: string, seam: string) {
  return (await timeline(session)).flatMap((entry) =>
    entry.kind === "audit" && entry.row.seam === seam ? [entry.row] : [],
  );
}

export async function latestPost(ts: string): Promise<SlackPost | undefined> {
  return (await world.slack.posts()).find((p) => p.ts === ts);
}
