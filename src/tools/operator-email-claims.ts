/**
 * The one email an investigation may send (issue 15: one investigation sent twenty). A claim
 * per `caller_session_id`, taken with one conditional insert before the send, so two calls can
 * never both send; `digest` names the email, so the loop asking again for the same one is told
 * it went out instead of being refused.
 */

/** A claim still `sending` after this long belongs to a worker that died mid-send. */
export const EMAIL_CLAIM_STALE_MS = 15 * 60_000;

export type EmailClaim =
  { kind: "claimed" } | { kind: "already_sent"; message_id: string | null } | { kind: "in_flight" } | { kind: "taken" };

export async function claimOperatorEmail(
  db: D1Database,
  callerSessionId: string,
  digest: string,
  now: Date,
): Promise<EmailClaim> {
  const inserted = await db
    .prepare(
      `INSERT INTO operator_emails (caller_session_id, digest, state, claimed_at_ms)
       VALUES (?1, ?2, 'sending', ?3) ON CONFLICT (caller_session_id) DO NOTHING`,
    )
    .bind(callerSessionId, digest, now.getTime())
    .run();
  if (inserted.meta.changes > 0) return { kind: "claimed" };

  const existing = await db
    .prepare(`SELECT digest, state, claimed_at_ms, message_id FROM operator_emails WHERE caller_session_id = ?1`)
    .bind(callerSessionId)
    .first<{ digest: string; state: "sending" | "sent"; claimed_at_ms: number; message_id: string | null }>();
  if (!existing) return claimOperatorEmail(db, callerSessionId, digest, now);
  if (existing.digest !== digest) return { kind: "taken" };
  if (existing.state === "sent") return { kind: "already_sent", message_id: existing.message_id };
  if (now.getTime() - existing.claimed_at_ms < EMAIL_CLAIM_STALE_MS) return { kind: "in_flight" };
  // Take over a stale claim only if nobody else did in the meantime.
  const takeover = await db
    .prepare(
      `UPDATE operator_emails SET claimed_at_ms = ?3
       WHERE caller_session_id = ?1 AND digest = ?2 AND state = 'sending' AND claimed_at_ms = ?4`,
    )
    .bind(callerSessionId, digest, now.getTime(), existing.claimed_at_ms)
    .run();
  return takeover.meta.changes > 0 ? { kind: "claimed" } : { kind: "in_flight" };
}

export async function markOperatorEmailSent(
  db: D1Database,
  callerSessionId: string,
  digest: string,
  messageId: string,
): Promise<void> {
  await db
    .prepare(`UPDATE operator_emails SET state = 'sent', message_id = ?3 WHERE caller_session_id = ?1 AND digest = ?2`)
    .bind(callerSessionId, digest, messageId)
    .run();
}

/** A send that failed gives the claim back, so a later try in the same investigation can succeed. */
export async function releaseOperatorEmail(db: D1Database, callerSessionId: string, digest: string): Promise<void> {
  await db
    .prepare(`DELETE FROM operator_emails WHERE caller_session_id = ?1 AND digest = ?2 AND state = 'sending'`)
    .bind(callerSessionId, digest)
    .run();
}
