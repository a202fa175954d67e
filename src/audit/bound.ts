/**
 * The size bound on an audit row's `details` (issue 15): a caller can choose strings that end up
 * in a row (a JSON-RPC id, a reason, an email body, a provider's error), and every row is
 * exported, shown in the console and read back by the model. A row over the bound is never
 * dropped: its longest strings are clipped, with a visible marker, until it fits. Only strings
 * (and, as a last resort, the tails of arrays) shrink, so the object keeps every key and type
 * its seam's schema expects and still parses.
 */
export const MAX_DETAILS_CHARS = 32 * 1024;

/** Longest-first caps tried in turn; below the last, ids and timestamps would be cut too. */
const STRING_CAPS = [4096, 1024, 256, 64] as const;

/** Where and how much was cut, as the top-level `details_truncated` of a bounded row. */
export interface TruncationNote {
  original_chars: number;
  max_chars: number;
}

export function boundDetails(
  details: Record<string, unknown>,
  maxChars: number = MAX_DETAILS_CHARS,
): { value: Record<string, unknown>; truncated: TruncationNote | null } {
  const originalChars = JSON.stringify(details).length;
  if (originalChars <= maxChars) return { value: details, truncated: null };
  const note: TruncationNote = { original_chars: originalChars, max_chars: maxChars };
  const fits = (value: Record<string, unknown>) =>
    JSON.stringify({ ...value, details_truncated: note }).length <= maxChars;

  let value = details;
  for (const cap of STRING_CAPS) {
    value = clipLongStrings(details, cap);
    if (fits(value)) return { value: { ...value, details_truncated: note }, truncated: note };
  }
  // Still too big: thousands of short items. Keep the head of every array and nested record,
  // halving until it fits; top-level keys are the seam's own fields and stay.
  for (let items = 64; items >= 1; items = Math.floor(items / 2)) {
    const shortened = headOfCollections(value, items);
    if (fits(shortened)) return { value: { ...shortened, details_truncated: note }, truncated: note };
  }
  // Only keys are left (a caller-made record with thousands of them): keep the marker alone.
  return { value: { details_truncated: note }, truncated: note };
}

/** Every string (and object key) longer than `max` cut to `max` characters plus a marker. */
export function clipLongStrings<T>(value: T, max: number): T {
  const clip = (text: string) => (text.length > max ? `${text.slice(0, max)}…[truncated, ${text.length} chars]` : text);
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return clip(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [clip(key), walk(child)]));
    }
    return node;
  };
  return walk(value) as T;
}

/** Nested objects keep at least this many keys: enough for every fixed shape a seam nests. */
const MIN_NESTED_KEYS = 16;

function headOfCollections(value: Record<string, unknown>, items: number): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.slice(0, items).map(walk);
    if (node !== null && typeof node === "object") {
      const entries = Object.entries(node).slice(0, Math.max(items, MIN_NESTED_KEYS));
      return Object.fromEntries(entries.map(([key, child]) => [key, walk(child)]));
    }
    return node;
  };
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, walk(child)]));
}
