import { recordAudit } from "../audit/record";
import type { Config, KoraEnv } from "../config";
import { zodProblems } from "../contracts";
import { investigateWake, type InvestigationOptions } from "./investigate";
import { WakeMessage } from "../contracts";

const MIN_RETRY_DELAY_SECONDS = 30;
const MAX_RETRY_DELAY_SECONDS = 600;

/** 30 s, 60 s, 120 s … capped at 10 minutes: a transient fault gets time to clear. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, MIN_RETRY_DELAY_SECONDS * 2 ** Math.max(0, attempts - 1));
}

/**
 * The wake consumer of DESIGN §3. Messages are handled one after another and each is acked or
 * retried on its own, so one fault never retries the rest of the batch.
 */
export async function consumeWakeBatch(
  batch: MessageBatch,
  env: KoraEnv,
  config: Config,
  _ctx: ExecutionContext,
  options: InvestigationOptions = {},
): Promise<void> {
  for (const message of batch.messages) {
    await consumeWakeMessage(message, env, config, options);
  }
}

export async function consumeWakeMessage(
  message: Message,
  env: KoraEnv,
  config: Config,
  options: InvestigationOptions = {},
): Promise<void> {
  const parsed = WakeMessage.safeParse(message.body);
  if (!parsed.success) {
    // Poison: retrying a body that cannot parse would only fail again, so record it and ack.
    await recordAudit(env, {
      id: `wake_rejected:${message.id}`,
      seam: "probe.wake_rejected",
      caller_session_id: `queue:${message.id}`,
      source: "system",
      details: {
        message_id: message.id,
        attempts: message.attempts,
        problems: zodProblems(parsed.error, { root: "body", max: 10 }),
      },
    });
    message.ack();
    return;
  }
  try {
    const result = await investigateWake(parsed.data, env, config, options);
    switch (result.kind) {
      case "completed":
      case "already_done":
        message.ack();
        return;
      case "running_elsewhere": {
        // Come back when the other claim is done or has gone stale, whichever the retry meets.
        const untilStale = Math.ceil((result.stale_at.getTime() - Date.now()) / 1000);
        message.retry({ delaySeconds: Math.max(MIN_RETRY_DELAY_SECONDS, untilStale) });
        return;
      }
    }
  } catch (error) {
    console.error(
      JSON.stringify({
        kora_error: "wake investigation failed; retrying",
        wake_id: parsed.data.wake_id,
        attempts: message.attempts,
        error: error instanceof Error ? error.name : "unknown",
      }),
    );
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}
