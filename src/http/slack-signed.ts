import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { verifySlackSignature, type SignatureCheck } from "../slack/signature";
import type { AppEnv } from "./app-env";
import { HttpError } from "./errors";

const SIGNATURE_MESSAGES: Record<Exclude<SignatureCheck, { ok: true }>["reason"], string> = {
  missing_headers: "X-Slack-Signature and X-Slack-Request-Timestamp are required",
  malformed_headers: "X-Slack-Signature must be v0=<64 hex> and X-Slack-Request-Timestamp unix seconds",
  stale_timestamp: "X-Slack-Request-Timestamp is more than five minutes old",
  future_timestamp: "X-Slack-Request-Timestamp is in the future",
  bad_signature: "X-Slack-Signature does not match the request",
};

/** A body cap for a Slack route, answered as 413 before anything is read. */
export function slackBodyLimit(maxBytes: number, label: string) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpError(413, "payload_too_large", `request body is larger than ${label}`);
    },
  });
}

/**
 * The raw body of a request from Slack, once its v0 signature checks out (docs/slack-approvals.md):
 * 503 while `KORA_SLACK_SIGNING_SECRET` is unset, 401 for a missing, stale or wrong signature.
 * Nothing is parsed before this. The bytes are decoded as sent (Slack's form is ASCII).
 */
export async function signedSlackBody(c: Context<AppEnv>, now: Date): Promise<string> {
  const secret = c.get("config").KORA_SLACK_SIGNING_SECRET;
  if (!secret) {
    throw new HttpError(
      503,
      "slack_signing_secret_unset",
      "KORA_SLACK_SIGNING_SECRET is not configured; set it with `wrangler secret put KORA_SLACK_SIGNING_SECRET`",
    );
  }
  const rawBody = new TextDecoder().decode(await c.req.arrayBuffer());
  const signature = await verifySlackSignature(secret, c.req.raw.headers, rawBody, now);
  if (!signature.ok) throw new HttpError(401, `signature_${signature.reason}`, SIGNATURE_MESSAGES[signature.reason]);
  return rawBody;
}
