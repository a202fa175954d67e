import { recordAudit } from "../audit/record";
import type { Config, KoraEnv } from "../config";
import { WakeMessage } from "./message";

/** The wake consumer of DESIGN §3: each message is acked or retried on its own. */
export async function consumeWakeBatch(
  batch: MessageBatch,
  env: KoraEnv,
  _config: Config,
  _ctx: ExecutionContext,
): Promise<void> {
  for (const message of batch.messages) {
    const parsed = WakeMessage.safeParse(message.body);
    if (!parsed.success) {
      await recordAudit(env, {
        id: `wake_rejected:${message.id}`,
        seam: "probe.wake_rejected",
        caller_session_id: `queue:${message.id}`,
        source: "system",
        details: {
          message_id: message.id,
          problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
        },
      });
      message.ack();
      continue;
    }
    message.ack();
  }
}
