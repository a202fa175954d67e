import {
  SlackAPIClient,
  SlackAPIConnectionError,
  SlackAPIError,
  type AnyMessageBlock,
  type RetryHandler,
  type RetryHandlerArgs,
} from "slack-web-api-client";
import type { Config } from "../config";

/** Longest `Retry-After` we sleep through inside a consumer; beyond it the send fails, named. */
export const MAX_RATELIMIT_WAIT_SECONDS = 5;

/** Slack's answer to one call, as a value: callers log it either way (DESIGN §3 step 5). */
export type SlackSendResult =
  { ok: true; channel: string; ts: string } | { ok: false; error: string; retry_after_seconds?: number };

/**
 * Retries a `ratelimited` 429 once when Slack's `Retry-After` is short. The library's own handler
 * sleeps for any `Retry-After`, which could hold a queue consumer for minutes.
 */
class BoundedRatelimitRetry implements RetryHandler {
  async shouldRetry({ state, response }: RetryHandlerArgs): Promise<boolean> {
    if (!response || response.status !== 429 || state.currentAttempt >= 1) return false;
    const seconds = Number.parseFloat(response.headers.get("retry-after") ?? "");
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_RATELIMIT_WAIT_SECONDS) return false;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return true;
  }
}

function slackClient(config: Config): SlackAPIClient {
  return new SlackAPIClient(config.KORA_SLACK_BOT_TOKEN, {
    baseUrl: config.KORA_SLACK_API_BASE_URL,
    retryHandlers: [new BoundedRatelimitRetry()],
    logLevel: "ERROR",
  });
}

/** Slack failures as values, classified by the library's error classes, never by message text. */
function sendFailure(error: unknown): SlackSendResult {
  if (error instanceof SlackAPIError) return { ok: false, error: error.error };
  if (error instanceof SlackAPIConnectionError) {
    if (error.status === 429) {
      const retryAfter = Number.parseFloat(error.headers?.get("retry-after") ?? "");
      return {
        ok: false,
        error: "ratelimited",
        ...(Number.isFinite(retryAfter) ? { retry_after_seconds: retryAfter } : {}),
      };
    }
    return { ok: false, error: `http_${error.status}` };
  }
  return { ok: false, error: `connection_failed: ${error instanceof Error ? error.name : "unknown"}` };
}

/**
 * Posts a message. With `thread_ts` (always the parent's `ts`) it is a reply in that thread, and
 * `reply_broadcast` shows it in the conversation too, so it notifies like a new message would.
 */
export async function postSlackMessage(
  config: Config,
  message: { channel: string; text: string; blocks?: AnyMessageBlock[]; thread_ts?: string; reply_broadcast?: boolean },
): Promise<SlackSendResult> {
  if (!config.KORA_SLACK_BOT_TOKEN) return { ok: false, error: "not_configured: KORA_SLACK_BOT_TOKEN is unset" };
  try {
    const result = await slackClient(config).chat.postMessage(message);
    return { ok: true, channel: result.channel ?? message.channel, ts: result.ts ?? "" };
  } catch (error) {
    return sendFailure(error);
  }
}

/** Replaces a message Kora sent before (the approvals flow marks a decided DM this way). */
export async function updateSlackMessage(
  config: Config,
  message: { channel: string; ts: string; text: string; blocks?: AnyMessageBlock[] },
): Promise<SlackSendResult> {
  if (!config.KORA_SLACK_BOT_TOKEN) return { ok: false, error: "not_configured: KORA_SLACK_BOT_TOKEN is unset" };
  try {
    const result = await slackClient(config).chat.update(message);
    return { ok: true, channel: result.channel ?? message.channel, ts: result.ts ?? message.ts };
  } catch (error) {
    return sendFailure(error);
  }
}
