/**
 * The console's login session: `v2.<expires ms>.<session id>.<HMAC>` in an HttpOnly cookie, and
 * one row in `console_sessions`. The raw operator token never leaves the login form.
 *
 * Two checks, for two threats. The HMAC is keyed with the token, so a forged or tampered cookie
 * is refused without a database read, and rotating KORA_OPERATOR_TOKEN ends every session. The
 * row is what makes logout real: a cookie captured before logout (a shared machine, a proxy log)
 * names a row that no longer exists, so it stops working even though its signature still holds.
 */
export const SESSION_COOKIE = "__Host-kora_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const COOKIE_FORMAT = /^v2\.(\d{13})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const encoder = new TextEncoder();

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

async function sign(token: string, expires: number, id: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(token), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  // The purpose prefix keeps this MAC from ever matching one made with the same key elsewhere.
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`kora-console-session.v2.${expires}.${id}`));
  return base64url(new Uint8Array(mac));
}

export async function issueSession(
  db: D1Database,
  token: string,
  now: Date,
): Promise<{ value: string; maxAgeSeconds: number }> {
  const id = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const expires = now.getTime() + SESSION_TTL_MS;
  // Sessions that ended by expiry go when a new one starts: the table stays as small as the
  // number of sessions alive.
  await db.batch([
    db.prepare("DELETE FROM console_sessions WHERE expires_at_ms <= ?1").bind(now.getTime()),
    db
      .prepare("INSERT INTO console_sessions (id, created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3)")
      .bind(id, now.getTime(), expires),
  ]);
  return { value: `v2.${expires}.${id}.${await sign(token, expires, id)}`, maxAgeSeconds: SESSION_TTL_MS / 1000 };
}

export type SessionCheck =
  { ok: true; id: string } | { ok: false; reason: "missing" | "malformed" | "expired" | "bad_signature" | "ended" };

/** Signature first (no read for a forged cookie), then the row: present and unexpired. */
export async function checkSession(
  db: D1Database,
  value: string | undefined,
  token: string,
  now: Date,
): Promise<SessionCheck> {
  const signed = await checkSignature(value, token, now);
  if (!signed.ok) return signed;
  const row = await db
    .prepare("SELECT 1 AS alive FROM console_sessions WHERE id = ?1 AND expires_at_ms > ?2")
    .bind(signed.id, now.getTime())
    .first();
  return row ? signed : { ok: false, reason: "ended" };
}

/** Logout: the session's row goes, so the cookie is dead wherever a copy of it is. */
export async function endSession(db: D1Database, value: string | undefined, token: string, now: Date): Promise<void> {
  const signed = await checkSignature(value, token, now);
  if (!signed.ok) return;
  await db.prepare("DELETE FROM console_sessions WHERE id = ?1").bind(signed.id).run();
}

async function checkSignature(value: string | undefined, token: string, now: Date): Promise<SessionCheck> {
  if (!value) return { ok: false, reason: "missing" };
  const match = COOKIE_FORMAT.exec(value);
  if (!match?.[1] || !match[2] || !match[3]) return { ok: false, reason: "malformed" };
  const expires = Number(match[1]);
  if (expires <= now.getTime()) return { ok: false, reason: "expired" };
  const expected = encoder.encode(await sign(token, expires, match[2]));
  const presented = encoder.encode(match[3]);
  if (expected.byteLength !== presented.byteLength || !crypto.subtle.timingSafeEqual(expected, presented)) {
    return { ok: false, reason: "bad_signature" };
  }
  return { ok: true, id: match[2] };
}
