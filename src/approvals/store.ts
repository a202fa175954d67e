import { Approval, type ApprovalOutcome, type ApprovalRequest } from "./model";

const COLUMNS = `id, caller_session_id, probe, action, target_id, reason, created_at, expires_at,
  decided_by, decided_at, outcome`;

export async function insertApproval(
  db: D1Database,
  approval: ApprovalRequest & { id: string; created_at: string; expires_at: string },
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO approvals (id, caller_session_id, probe, action, target_id, reason, created_at, expires_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
    )
    .bind(
      approval.id,
      approval.caller_session_id,
      approval.probe,
      approval.action,
      approval.target_id,
      approval.reason,
      approval.created_at,
      approval.expires_at,
    )
    .run();
}

export async function getApproval(db: D1Database, id: string): Promise<Approval | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM approvals WHERE id = ?1`).bind(id).first();
  return row ? Approval.parse(row) : null;
}

/** An undecided, unexpired approval for the same fix in the same incident (a redelivered wake). */
export async function findOpenApproval(
  db: D1Database,
  request: Omit<ApprovalRequest, "reason">,
  nowIso: string,
): Promise<Approval | null> {
  const row = await db
    .prepare(
      `SELECT ${COLUMNS} FROM approvals
       WHERE caller_session_id = ?1 AND probe = ?2 AND action = ?3 AND target_id = ?4
         AND decided_at IS NULL AND expires_at > ?5
       ORDER BY created_at DESC LIMIT 1`,
    )
    .bind(request.caller_session_id, request.probe, request.action, request.target_id, nowIso)
    .first();
  return row ? Approval.parse(row) : null;
}

/**
 * The single-use claim: one conditional UPDATE, so of two concurrent clicks exactly one sees a
 * changed row and goes on to act. Expired approvals are never claimed.
 */
export async function claimApproval(
  db: D1Database,
  claim: { id: string; decided_by: string; decided_at: string; outcome: "approved" | "dismissed" },
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE approvals SET decided_by = ?2, decided_at = ?3, outcome = ?4
       WHERE id = ?1 AND decided_at IS NULL AND expires_at > ?3`,
    )
    .bind(claim.id, claim.decided_by, claim.decided_at, claim.outcome)
    .run();
  return result.meta.changes > 0;
}

/** Records how the approved fix ended; only moves a claimed `approved` row forward. */
export async function recordApprovalOutcome(db: D1Database, id: string, outcome: ApprovalOutcome): Promise<void> {
  await db.prepare(`UPDATE approvals SET outcome = ?2 WHERE id = ?1 AND outcome = 'approved'`).bind(id, outcome).run();
}
