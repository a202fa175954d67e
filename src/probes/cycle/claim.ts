/**
 * `probe_cycles` is the claim on one `scheduledTime`. A second firing finds the row and does
 * nothing. A firing that crashed midway leaves the row without `completed_at`; after
 * CLAIM_STALE_AFTER_MS a later firing of the same time may take it over, unless a newer cycle
 * has already completed (its state is fresher than anything this one would write).
 */
export const CLAIM_STALE_AFTER_MS = 3 * 60_000;

export type CycleClaim = "claimed" | "taken_over" | "already_completed" | "in_progress" | "superseded";

export async function claimCycle(db: D1Database, scheduledTime: number, wallClock: Date): Promise<CycleClaim> {
  const inserted = await db
    .prepare("INSERT INTO probe_cycles (scheduled_time, started_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING")
    .bind(scheduledTime, wallClock.toISOString())
    .run();
  if (inserted.meta.changes > 0) return "claimed";

  const staleBefore = new Date(wallClock.getTime() - CLAIM_STALE_AFTER_MS).toISOString();
  const takeover = await db
    .prepare(
      `UPDATE probe_cycles SET started_at = ?2
       WHERE scheduled_time = ?1 AND completed_at IS NULL AND started_at < ?3
         AND NOT EXISTS (
           SELECT 1 FROM probe_cycles AS later
           WHERE later.scheduled_time > ?1 AND later.completed_at IS NOT NULL)`,
    )
    .bind(scheduledTime, wallClock.toISOString(), staleBefore)
    .run();
  if (takeover.meta.changes > 0) return "taken_over";

  const row = await db
    .prepare("SELECT completed_at, started_at FROM probe_cycles WHERE scheduled_time = ?1")
    .bind(scheduledTime)
    .first<{ completed_at: string | null; started_at: string }>();
  if (row?.completed_at) return "already_completed";
  return row && row.started_at >= staleBefore ? "in_progress" : "superseded";
}

export function completeCycleStatement(db: D1Database, scheduledTime: number, wallClock: Date): D1PreparedStatement {
  return db
    .prepare("UPDATE probe_cycles SET completed_at = ?2 WHERE scheduled_time = ?1")
    .bind(scheduledTime, wallClock.toISOString());
}
