import { Hono } from "hono";
import { APPROVE_ACTION_ID, DISMISS_ACTION_ID } from "../approvals";
import type { ApprovalClick } from "../approvals";
import { handleApprovalClick } from "../approvals";
import type { Config, KoraEnv } from "../config";
import { parseInteraction, type ButtonClick } from "../slack/interactions-payload";
import type { AppEnv } from "./app-env";
import { HttpError } from "./errors";
import { signedSlackBody, slackBodyLimit } from "./slack-signed";

/**
 * `POST /slack/interactions` (DESIGN §8): Slack's button clicks. The signature is checked on the
 * raw body before anything is parsed or stored; the click itself runs in `waitUntil`, because
 * Slack wants its 200 within three seconds and a fix takes longer.
 */
export const slackInteractionRoutes = new Hono<AppEnv>().post("/", slackBodyLimit(1024 * 1024, "1 MiB"), async (c) => {
  const config = c.get("config");
  const rawBody = await signedSlackBody(c, new Date());

  const parsed = parseInteraction(rawBody);
  if (parsed.kind === "invalid") throw new HttpError(400, "invalid_payload", parsed.message);
  const clicks = parsed.kind === "clicks" ? parsed.clicks.flatMap(toApprovalClick) : [];
  if (clicks.length > 0) c.executionCtx.waitUntil(runClicks(clicks, c.env, config));
  // Slack only needs an empty 200; anything not ours is acknowledged and left alone.
  return c.body(null, 200);
});

function toApprovalClick(button: ButtonClick): ApprovalClick[] {
  const decision =
    button.action_id === APPROVE_ACTION_ID ? "approve" : button.action_id === DISMISS_ACTION_ID ? "dismiss" : null;
  if (!decision) return [];
  return [
    {
      decision,
      approval_id: button.value,
      block_id: button.block_id,
      user_id: button.user_id,
      channel_id: button.channel_id,
      message_ts: button.message_ts,
      action_ts: button.action_ts,
    },
  ];
}

async function runClicks(clicks: ApprovalClick[], env: KoraEnv, config: Config): Promise<void> {
  for (const click of clicks) {
    try {
      await handleApprovalClick(click, { env, config, now: () => new Date() });
    } catch (error) {
      // Past the response there is no caller left to tell; the log line is the trace.
      const message = error instanceof Error ? `${error.name}: ${error.message}` : "unexpected failure";
      console.error(JSON.stringify({ kora_error: `slack interaction failed: ${message}` }));
    }
  }
}
