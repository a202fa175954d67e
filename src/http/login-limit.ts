/**
 * Guesses at the operator token, counted per client in a fixed window (issue 15: sixty wrong
 * logins never met a 429). One budget for both doors the token opens, the console login and
 * the `/api` bearer, or the one left open would be the oracle. The console counts every attempt
 * *before* the token is checked, with one atomic upsert, so parallel guesses cannot slip past
 * the count; the API counts wrong tokens only (every call of a script carries the token). Past
 * the limit the answer is 429 with Retry-After, whatever token is sent. A login forgets the count.
 */
export const LOGIN_ATTEMPTS_PER_WINDOW = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;

/** Cloudflare's edge sets it on every request, `wrangler dev` too (the local address); tests may not. */
const CLIENT_IP_HEADER = "cf-connecting-ip";
/** One shared bucket for requests without an address: the stricter way to be wrong. */
export const UNKNOWN_CLIENT = "unknown";

/**
 * The client a login attempt is counted against: its IPv4 address, or the /64 of its IPv6
 * address (one subscriber gets a whole /64, so counting single addresses would count nothing).
 */
export function loginClientKey(headers: Headers): string {
  const ip = headers.get(CLIENT_IP_HEADER)?.trim().toLowerCase();
  if (!ip) return UNKNOWN_CLIENT;
  return ip.includes(":") ? (ipv6Prefix64(ip) ?? ip.slice(0, 64)) : ip.slice(0, 64);
}

function ipv6Prefix64(ip: string): string | null {
  const halves = ip.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  // An embedded IPv4 (`::ffff:192.0.2.1`) fills the last two groups.
  const width = (list: string[]) => list.reduce((sum, group) => sum + (group.includes(".") ? 2 : 1), 0);
  const missing = 8 - width(head) - width(tail);
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const full = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  const prefix = full.slice(0, 4);
  if (!prefix.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  return `${prefix.map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

export type LoginAllowance = { allowed: true } | { allowed: false; retry_after_seconds: number };

/** Counts this attempt; refused once the client is past the limit for the current window. */
export async function countLoginAttempt(db: D1Database, client: string, now: Date): Promise<LoginAllowance> {
  const row = await db
    .prepare(
      `INSERT INTO console_login_attempts (client, window_started_at_ms, attempts) VALUES (?1, ?2, 1)
       ON CONFLICT (client) DO UPDATE SET
         attempts = CASE WHEN window_started_at_ms <= ?3 THEN 1 ELSE attempts + 1 END,
         window_started_at_ms = CASE WHEN window_started_at_ms <= ?3 THEN ?2 ELSE window_started_at_ms END
       RETURNING attempts, window_started_at_ms`,
    )
    .bind(client, now.getTime(), now.getTime() - LOGIN_WINDOW_MS)
    .first<{ attempts: number; window_started_at_ms: number }>();
  return allowanceOf(row, now);
}

/** Read-only: is this client past the limit right now? (The API asks before letting a right token in.) */
export async function readLoginLockout(db: D1Database, client: string, now: Date): Promise<LoginAllowance> {
  const row = await db
    .prepare("SELECT attempts, window_started_at_ms FROM console_login_attempts WHERE client = ?1")
    .bind(client)
    .first<{ attempts: number; window_started_at_ms: number }>();
  return allowanceOf(row, now);
}

function allowanceOf(row: { attempts: number; window_started_at_ms: number } | null, now: Date): LoginAllowance {
  const windowEnds = (row?.window_started_at_ms ?? 0) + LOGIN_WINDOW_MS;
  if (!row || row.attempts <= LOGIN_ATTEMPTS_PER_WINDOW || windowEnds <= now.getTime()) return { allowed: true };
  return { allowed: false, retry_after_seconds: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)) };
}

export async function forgetLoginAttempts(db: D1Database, client: string): Promise<void> {
  await db.prepare("DELETE FROM console_login_attempts WHERE client = ?1").bind(client).run();
}
