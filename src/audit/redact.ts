export const REDACTED = "[redacted]";

/**
 * The shortest start of a secret treated as a leak when it ends a string. A clip that ran before
 * redaction leaves a token's first characters at the cut; eight characters of a configured secret
 * at the very end of a text are no coincidence, and a shorter tail is mostly the token's public
 * prefix (`xoxb-`, `sk-ant-`).
 */
const MIN_TAIL_FRAGMENT = 8;

/** The markers Kora's clips end with (redactThenClip, the tool results, the audit bound). */
const CLIP_MARKER = /(?:…|\.\.\.)(?:\s*\[truncated[^\]]*\])?$/;

/**
 * Replaces every occurrence of a configured secret inside any string of `value`, keys
 * included, and a secret's start left at the end of a string by an earlier clip. This is the
 * last line of defence: callers should never pass secrets at all, but an API error that echoes
 * a token must still not reach D1, R2, the model or `wrangler tail`.
 */
export function redactSecrets<T>(value: T, secrets: readonly string[]): { value: T; redacted: boolean } {
  if (secrets.length === 0) return { value, redacted: false };
  let redacted = false;
  const cuttable = secrets.filter((secret) => secret.length > MIN_TAIL_FRAGMENT);
  const longest = Math.max(0, ...cuttable.map((secret) => secret.length));
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) {
      if (out.includes(secret)) {
        out = out.split(secret).join(REDACTED);
        redacted = true;
      }
    }
    const cut = clippedTail(out, cuttable, longest);
    if (cut !== undefined) {
      out = `${out.slice(0, cut.start)}${REDACTED}${out.slice(cut.end)}`;
      redacted = true;
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
 * Where `text` ends (before any clip marker) with the first characters of a secret, at least
 * MIN_TAIL_FRAGMENT of them: the part of a token a clip-before-redact would let through. Only
 * the last `longest` characters are searched, so the cost does not grow with the text.
 */
function clippedTail(
  text: string,
  secrets: readonly string[],
  longest: number,
): { start: number; end: number } | undefined {
  if (text.length < MIN_TAIL_FRAGMENT || secrets.length === 0) return undefined;
  const last = text.charCodeAt(text.length - 1);
  // `…`, `.` or `]`: a marker may follow the fragment (the regex runs only then).
  const mayHaveMarker = last === 0x2026 || last === 0x2e || last === 0x5d;
  const end = text.length - (mayHaveMarker ? (CLIP_MARKER.exec(text)?.[0].length ?? 0) : 0);
  const windowStart = Math.max(0, end - longest);
  const tail = text.slice(windowStart, end);
  for (const secret of secrets) {
    const head = secret.slice(0, MIN_TAIL_FRAGMENT);
    // A fragment is shorter than the secret (a whole one is already replaced) and at least MIN long.
    for (let at = tail.indexOf(head, Math.max(0, tail.length - secret.length + 1)); at >= 0;) {
      if (tail.length - at < MIN_TAIL_FRAGMENT) break;
      if (secret.startsWith(tail.slice(at))) return { start: windowStart + at, end };
      at = tail.indexOf(head, at + 1);
    }
  }
  return undefined;
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
