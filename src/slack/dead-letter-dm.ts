import type { AnyMessageBlock } from "slack-web-api-client";
import type { WakeMessage } from "../contracts";
import { code, context, escapeMrkdwn, section } from "./mrkdwn";

/** The short notice for a wake that exhausted its retries: the operator hears about it anyway. */
export function buildDeadLetterDm(wake: WakeMessage, attempts: number): { text: string; blocks: AnyMessageBlock[] } {
  const line =
    `Kora could not finish investigating ${wake.probe} target ${wake.target} ` +
    `(unhealthy for ${wake.consecutive_unhealthy} cycles) after ${attempts} attempts.`;
  return {
    // The target is a provider's word: escaped in the fallback too, which Slack reads as mrkdwn.
    text: escapeMrkdwn(`${line} Look at it yourself.`),
    blocks: [
      section(
        `*Investigation gave up*\nKora could not finish investigating ${code(wake.probe)} target ${code(wake.target)} ` +
          `(unhealthy for ${wake.consecutive_unhealthy} cycles) after ${attempts} attempts.\n*Left for you:* look at it yourself.`,
      ),
      context(`session ${code(wake.caller_session_id)}`),
    ],
  };
}
