import { recordAudit } from "../audit/record";
import type { Config, KoraEnv } from "../config";
import { buildDeadLetterDm } from "../slack/dead-letter-dm";
import { getDmLogEntry } from "../audit/dm-log";
import { sendOperatorDm } from "../slack/send-dm";
import { closeDeadLetteredInvestigation } from "./claim";
import { WakeMessage } from "../contracts";

/**
 * A wake that exhausted its retries: one `probe.wake_dead_lettered` row, a short DM unless the
 * operator already got one for this wake, and the investigation closed so the probe cycle can
 * wake the target again. Keyed on the message, so a redelivered dead letter repeats nothing.
 */
export async function consumeDeadLetters(batch: MessageBatch, env: KoraEnv, config: Config): Promise<void> {
  for (const message of batch.messages) {
    try {
      await consumeDeadLetter(message, env, config);
      message.ack();
    } catch (error) {
      console.error(
        JSON.stringify({
          kora_error: "dead letter handling failed; retrying",
          error: error instanceof Error ? error.name : "unknown",
        }),
      );
      message.retry({ delaySeconds: 60 });
    }
  }
}

async function consumeDeadLetter(message: Message, env: KoraEnv, config: Config): Promise<void> {
  const now = new Date();
  const parsed = WakeMessage.safeParse(message.body);
  if (!parsed.success) {
    await recordAudit(env, {
      id: `wake_dead_lettered:${message.id}`,
      seam: "probe.wake_dead_lettered",
      caller_session_id: `queue:${message.id}`,
      source: "system",
      details: { message_id: message.id, attempts: message.attempts, parsed: false },
    });
    return;
  }
  const wake = parsed.data;
  const earlier = await getDmLogEntry(env.DB, `dm:${wake.wake_id}`);
  const notice = buildDeadLetterDm(wake, message.attempts);
  const delivery = earlier
    ? null
    : await sendOperatorDm(
        env,
        config,
        {
          id: `dm:${wake.wake_id}:dead_letter`,
          caller_session_id: wake.caller_session_id,
          kind: "dead_letter_notice",
          text: notice.text,
          blocks: notice.blocks,
        },
        now,
      );
  await recordAudit(
    env,
    {
      id: `wake_dead_lettered:${wake.wake_id}`,
      seam: "probe.wake_dead_lettered",
      caller_session_id: wake.caller_session_id,
      source: "system",
      details: {
        message_id: message.id,
        attempts: message.attempts,
        wake_id: wake.wake_id,
        probe: wake.probe,
        target: wake.target,
        notice_dm_status: delivery?.dm_status ?? null,
        notice_skipped: earlier ? `the operator already had a DM for this wake (${earlier.dm_status})` : null,
      },
    },
    now,
  );
  await closeDeadLetteredInvestigation(env.DB, wake, now, delivery?.dm_status ?? earlier?.dm_status ?? "failed_send");
}
