import { type ProbeName, sha256Hex } from "../../contracts";

/**
 * The wake id is derived from the cycle (or the event) and the wake's group, not drawn at random:
 * a cycle that runs again after a crash, or an event checked twice, sends the same id, which the consumer's claim turns into a no-op and
 * the audit row's idempotency key into nothing new. Formatted as an RFC 9562 version-8 UUID.
 */
export async function wakeIdFor(seed: number | string, probe: ProbeName, group: string): Promise<string> {
  const hex = await sha256Hex(`kora-wake\u0000${seed}\u0000${probe}\u0000${group}`);
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
