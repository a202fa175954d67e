import { recordAudit } from "../../audit/record";
import type { KoraEnv } from "../../config";
import type { WakeMessage } from "../../contracts/wake";
import type { ProbeResult } from "../providers/probe-result";

export interface Wake {
  message: WakeMessage;
  result: ProbeResult;
}

/** `sendBatch` takes at most 100 messages and 256 KB; stay clear of both. */
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 200_000;

/** Sends a cycle's wakes in one `sendBatch` (more only past the queue's batch limits). */
export async function enqueueWakes(queue: Queue, wakes: Wake[]): Promise<void> {
  for (const batch of batches(wakes.map((wake) => wake.message))) {
    await queue.sendBatch(batch.map((body) => ({ body, contentType: "json" as const })));
  }
}

/**
 * One `probe.wake_requested` row per wake, with the message's `caller_session_id`, keyed by
 * the wake id so a re-run of the cycle writes nothing new.
 */
export async function recordWakesRequested(env: KoraEnv, wakes: Wake[]): Promise<void> {
  await Promise.all(wakes.map((wake) => recordWakeRequested(env, wake)));
}

async function recordWakeRequested(env: KoraEnv, { message, result }: Wake): Promise<void> {
  await recordAudit(env, {
    id: `probe.wake_requested:${message.wake_id}`,
    seam: "probe.wake_requested",
    caller_session_id: message.caller_session_id,
    source: "cron",
    details: {
      wake_id: message.wake_id,
      probe: message.probe,
      target: message.target,
      status: message.status,
      observed_at: message.observed_at,
      consecutive_unhealthy: message.consecutive_unhealthy,
      detail: result.detail,
      envelope: message.envelope,
    },
  });
}

function batches(messages: WakeMessage[]): WakeMessage[][] {
  const out: WakeMessage[][] = [];
  let current: WakeMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = JSON.stringify(message).length;
    if (current.length > 0 && (current.length >= MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
