export const REDACTED = "[redacted]";

/**
 * Replaces every occurrence of a configured secret inside any string of `value`, keys
 * included. This is the last line of defence: callers should never pass secrets at all, but an
 * API error that echoes a token must still not reach D1, R2 or `wrangler tail`.
 */
export function redactSecrets<T>(value: T, secrets: readonly string[]): { value: T; redacted: boolean } {
  if (secrets.length === 0) return { value, redacted: false };
  let redacted = false;
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) {
      if (out.includes(secret)) {
        out = out.split(secret).join(REDACTED);
        redacted = true;
      }
    }
    return out;
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return scrub(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [scrub(key), walk(child)]));
    }
    return node;
  };
  return { value: walk(value) as T, redacted };
}

/**
 * Outside text (a provider's error, a model's words, a caller's string) made safe to store, show,
 * queue or prompt: configured secrets replaced first, then clipped to `max` characters with a
 * marker. In that order, so a secret straddling the cut cannot survive as a prefix.
 */
export function redactThenClip(text: string, secrets: readonly string[], max: number): string {
  const { value } = redactSecrets(text, secrets);
  return value.length > max ? `${value.slice(0, Math.max(0, max - 1))}…` : value;
}
