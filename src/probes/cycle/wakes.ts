import { wakeEnvelope, type EnvelopeEnv } from "../../contracts/envelopes";
import { sha256Hex } from "../../contracts/crypto";
import { WakeMessage } from "../../contracts/wake";
import type { ProbeResult } from "../providers/probe-result";

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
  return WakeMessage.parse({
    v: 1,
    wake_id: wakeId,
    caller_session_id: `wake:${wakeId}`,
    probe: result.probe,
    target: result.target,
    status: "unhealthy",
    observed_at: result.observed_at,
    consecutive_unhealthy: consecutiveUnhealthy,
    detail: compactDetail(result.detail),
    envelope: wakeEnvelope(result.probe, env),
  });
}
