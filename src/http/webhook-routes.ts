import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Config, KoraEnv } from "../config";
import {
  checkEventHint,
  readSentryEvent,
  readVercelEvent,
  receiveProviderEvent,
  verifyHexHmac,
  type EventReading,
  type ProviderEvent,
  type SignatureCheck,
} from "../events";
import type { AppEnv } from "./app-env";
import { HttpError } from "./errors";

/** Provider events are a few KB; Sentry's largest (an event alert with its tags) stays far below. */
export const WEBHOOK_MAX_BODY_BYTES = 256 * 1024;
/** Sentry stamps every delivery (retries get a new stamp); an old or future stamp is refused. */
export const SENTRY_TIMESTAMP_MAX_AGE_SECONDS = 5 * 60;
const FUTURE_SKEW_SECONDS = 30;

const SIGNATURE_MESSAGES: Record<Exclude<SignatureCheck, { ok: true }>["reason"], string> = {
  missing_signature: "the signature header is required",
  malformed_signature: "the signature header must be a hex HMAC of the body",
  bad_signature: "the signature does not match the body",
};

/**
 * `POST /webhooks/sentry` and `/webhooks/vercel` (DESIGN §13). In order: the secret must be set
 * (503), the body small (413), the signature valid over the raw bytes (401) — nothing is parsed
 * before that — then the payload parsed (400) and about the configured project (422). A verified
 * event is recorded and claimed once; a hint about trouble is checked by probing that target
 * after the answer (`waitUntil`): Sentry wants its answer within a second, and if the check dies
 * the next cron cycle still sees the target.
 */
export const webhookRoutes = new Hono<AppEnv>();

const limit = bodyLimit({
  maxSize: WEBHOOK_MAX_BODY_BYTES,
  onError: () => {
    throw new HttpError(413, "payload_too_large", `request body is larger than ${WEBHOOK_MAX_BODY_BYTES / 1024} KiB`);
  },
});

webhookRoutes.post("/sentry", limit, async (c) => {
  const config = c.get("config");
  const secret = requireSecret(config.KORA_SENTRY_WEBHOOK_SECRET, "KORA_SENTRY_WEBHOOK_SECRET");
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const resource = c.req.header("sentry-hook-resource");
  const timestamp = c.req.header("sentry-hook-timestamp");
  if (!resource || !/^[a-z_]{1,64}$/.test(resource)) {
    throw new HttpError(400, "missing_headers", "Sentry-Hook-Resource is required (e.g. event_alert, issue)");
  }
  checkSentryTimestamp(timestamp, new Date());
  await requireSignature(verifyHexHmac("SHA-256", secret, raw, c.req.header("sentry-hook-signature") ?? null));
  const reading = await readSentryEvent(resource, parseJson(raw), raw, config);
  return accept(c, reading);
});

webhookRoutes.post("/vercel", limit, async (c) => {
  const config = c.get("config");
  const secret = requireSecret(config.KORA_VERCEL_WEBHOOK_SECRET, "KORA_VERCEL_WEBHOOK_SECRET");
  const raw = new Uint8Array(await c.req.arrayBuffer());
  await requireSignature(verifyHexHmac("SHA-1", secret, raw, c.req.header("x-vercel-signature") ?? null));
  return accept(c, readVercelEvent(parseJson(raw), config, new Date()));
});

async function accept(c: Context<AppEnv>, reading: EventReading): Promise<Response> {
  if (!reading.ok) throw new HttpError(reading.status, reading.code, reading.message);
  const now = new Date();
  const event = reading.event;
  const receipt = await receiveProviderEvent(c.env, event, now);
  if (receipt === "duplicate") return c.json({ status: "duplicate", event_key: event.event_key }, 200);
  const target = event.target;
  if (event.hint && target !== null) {
    c.executionCtx.waitUntil(checkHint(c.env, c.get("config"), { ...event, target }, now));
  }
  return c.json({ status: "accepted", event_key: event.event_key, hint: event.hint }, 202);
}

/** Past the response there is no caller to tell: a failure is one log line, and the cron remains. */
async function checkHint(env: KoraEnv, config: Config, event: ProviderEvent & { target: string }, now: Date) {
  try {
    await checkEventHint(env, config, event, now);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : "unexpected failure";
    console.error(JSON.stringify({ kora_error: `event hint failed: ${message}`, provider: event.provider }));
  }
}

function requireSecret(secret: string | undefined, name: string): string {
  if (!secret)
    throw new HttpError(
      503,
      "webhook_secret_unset",
      `${name} is not configured; set it with \`wrangler secret put ${name}\``,
    );
  return secret;
}

async function requireSignature(check: Promise<SignatureCheck>): Promise<void> {
  const result = await check;
  if (!result.ok) throw new HttpError(401, `signature_${result.reason}`, SIGNATURE_MESSAGES[result.reason]);
}

function checkSentryTimestamp(header: string | undefined, now: Date): void {
  if (!header || !/^\d{1,12}$/.test(header)) {
    throw new HttpError(400, "missing_headers", "Sentry-Hook-Timestamp is required (Unix seconds)");
  }
  const age = Math.floor(now.getTime() / 1000) - Number(header);
  if (age > SENTRY_TIMESTAMP_MAX_AGE_SECONDS) {
    throw new HttpError(401, "stale_timestamp", "Sentry-Hook-Timestamp is more than five minutes old");
  }
  if (age < -FUTURE_SKEW_SECONDS)
    throw new HttpError(401, "future_timestamp", "Sentry-Hook-Timestamp is in the future");
}

function parseJson(raw: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(raw)) as unknown;
  } catch {
    throw new HttpError(400, "invalid_payload", "body is not JSON");
  }
}
