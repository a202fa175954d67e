import { recordAudit } from "../audit/record";
import type { Config, KoraEnv } from "../config";
import { WakeMessage } from "./message";

/** A wake that exhausted its retries: audit it so the incident is never silently lost. */
export async function consumeDeadLetters(batch: MessageBatch, env: KoraEnv, _config: Config): Promise<void> {
  for (const message of batch.messages) {
    const parsed = WakeMessage.safeParse(message.body);
    await recordAudit(env, {
      id: `wake_dead_lettered:${message.id}`,
      seam: "probe.wake_dead_lettered",
      caller_session_id: parsed.success ? parsed.data.caller_session_id : `queue:${message.id}`,
      source: "system",
      details: {
        message_id: message.id,
        attempts: message.attempts,
        ...(parsed.success
          ? { wake_id: parsed.data.wake_id, probe: parsed.data.probe, target: parsed.data.target }
          : {}),
      },
    });
    message.ack();
  }
}
