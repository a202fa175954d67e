/**
 * Provider webhook signatures (DESIGN §13): a hex HMAC of the raw body, checked before anything is
 * parsed. `crypto.subtle.verify` compares in constant time; the secret never leaves this file.
 */
export type HmacAlgorithm = "SHA-256" | "SHA-1";

const HEX_LENGTH: Record<HmacAlgorithm, number> = { "SHA-256": 64, "SHA-1": 40 };

export type SignatureCheck =
  { ok: true } | { ok: false; reason: "missing_signature" | "malformed_signature" | "bad_signature" };

export async function verifyHexHmac(
  algorithm: HmacAlgorithm,
  secret: string,
  rawBody: Uint8Array,
  signature: string | null,
): Promise<SignatureCheck> {
  if (!signature) return { ok: false, reason: "missing_signature" };
  const hex = signature.trim().toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[algorithm]}}$`).test(hex))
    return { ok: false, reason: "malformed_signature" };
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: algorithm },
    false,
    ["verify"],
  );
  const bytes = Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  const valid = await crypto.subtle.verify("HMAC", key, bytes, rawBody);
  return valid ? { ok: true } : { ok: false, reason: "bad_signature" };
}
