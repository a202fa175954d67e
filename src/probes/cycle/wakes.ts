import { recordAudit } from "../../audit/record";
import type { KoraEnv } from "../../config";
import {
  type EnvelopeEnv,
  type ProbeResult,
  sha256Hex,
  wakeEnvelope,
  WakeMessage,
  WakeMessageV2,
} from "../../contracts";

/**
 * The wake id is derived from the cycle and the target, not drawn at random: a cycle that runs
 * again after a crash sends the same id, which the consumer's claim turns into a no-op and the
 * audit row's idempotency key into nothing new. Formatted as an RFC 9562 version-8 UUID.
 */
export async function wakeIdFor(scheduledTime: number, probe: string, target: string): Promise<string> {
  const hex = await sha256Hex(`kora-wake\u0000${scheduledTime}\u0000${probe}\u0000${target}`);
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A queue message carries a summary of the detail; the full detail stays in D1 and the audit row. */
const MESSAGE_DETAIL_BUDGET = 1_500;
const FIELD_BUDGET = 300;

export function compactDetail(detail: Record<string, unknown>): Record<string, unknown> {
  if (JSON.stringify(detail).length <= MESSAGE_DETAIL_BUDGET) return detail;
  const trimmed: Record<string, unknown> = { truncated: true };
  for (const [key, value] of Object.entries(detail)) {
    const text = JSON.stringify(value) ?? "";
    if (typeof value === "string") trimmed[key] = value.slice(0, FIELD_BUDGET);
    else if (text.length <= FIELD_BUDGET) trimmed[key] = value;
    if (JSON.stringify(trimmed).length > MESSAGE_DETAIL_BUDGET) {
      delete trimmed[key];
      break;
    }
  }
  return trimmed;
}

/** Builds the DESIGN §2 queue body and checks it against the schema the consumer parses with. */
export function buildWakeMessage(
  wakeId: string,
  result: ProbeResult,
  consecutiveUnhealthy: number,
  env: EnvelopeEnv,
): WakeMessage {
  const detail = compactDetail(result.detail);
  // The Fly probe names the app it saw the machine in: gate 5 looks there first.
  const flyApp = result.probe === "fly" && typeof result.detail.app === "string" ? result.detail.app : undefined;
  return WakeMessageV2.parse({
    v: 2,
    kind: "wake",
    wake_id: wakeId,
    caller_session_id: `wake:${wakeId}`,
    probe: result.probe,
    target: result.target,
    status: "unhealthy",
    observed_at: result.observed_at,
    consecutive_unhealthy: consecutiveUnhealthy,
    detail,
    targets: [
      {
        target: result.target,
        status: "unhealthy",
        consecutive_unhealthy: consecutiveUnhealthy,
        detail,
        ...(flyApp ? { fly_app: flyApp } : {}),
      },
    ],
    envelope: wakeEnvelope(result.probe, env),
  });
}

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
