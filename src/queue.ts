import { parseConfig, type KoraEnv } from "./config";
import { consumeDeadLetters } from "./wake";
import { consumeWakeBatch } from "./wake";
import { WAKE_DLQ_NAME, WAKE_QUEUE_NAME } from "./contracts";

/** One queue handler for both queues: the wake queue and its dead-letter queue. */
export async function handleQueue(batch: MessageBatch, env: KoraEnv, ctx: ExecutionContext): Promise<void> {
  const config = parseConfig(env);
  switch (batch.queue) {
    case WAKE_QUEUE_NAME:
      await consumeWakeBatch(batch, env, config, ctx);
      return;
    case WAKE_DLQ_NAME:
      await consumeDeadLetters(batch, env, config);
      return;
    default:
      // Not ours: leave the messages to be retried rather than dropping them unread.
      console.error(JSON.stringify({ kora_error: `no consumer for queue "${batch.queue}"` }));
      batch.retryAll();
  }
}
