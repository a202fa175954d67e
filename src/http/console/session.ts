/**
 * The console's login session: `v1.<expires ms>.<HMAC>` in an HttpOnly cookie. The raw operator
 * token never leaves the login form; the cookie proves the holder knew it until `expires`.
 * The HMAC is keyed with the token itself, so rotating KORA_OPERATOR_TOKEN ends every session.
 */
export const SESSION_COOKIE = "__Host-kora_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const encoder = new TextEncoder();

async function sign(token: string, expires: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(token), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  // The purpose prefix keeps this MAC from ever matching one made with the same key elsewhere.
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`kora-console-session.v1.${expires}`));
  return btoa(String.fromCharCode(...new Uint8Array(mac)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export async function issueSession(token: string, now: Date): Promise<{ value: string; maxAgeSeconds: number }> {
  const expires = now.getTime() + SESSION_TTL_MS;
  return { value: `v1.${expires}.${await sign(token, expires)}`, maxAgeSeconds: SESSION_TTL_MS / 1000 };
}

export type SessionCheck = { ok: true } | { ok: false; reason: "missing" | "malformed" | "expired" | "bad_signature" };

export async function checkSession(value: string | undefined, token: string, now: Date): Promise<SessionCheck> {
  if (!value) return { ok: false, reason: "missing" };
  const match = /^v1\.(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match?.[1] || !match[2]) return { ok: false, reason: "malformed" };
  const expires = Number(match[1]);
  if (expires <= now.getTime()) return { ok: false, reason: "expired" };
  const expected = encoder.encode(await sign(token, expires));
  const presented = encoder.encode(match[2]);
  if (expected.byteLength !== presented.byteLength || !crypto.subtle.timingSafeEqual(expected, presented)) {
    return { ok: false, reason: "bad_signature" };
  }
  return { ok: true };
}
