/**
 * How long probe history is kept, and how much of it one cycle may delete. A cycle writes at
 * most a few hundred rows; deleting up to PRUNE_BATCH_ROWS per table per cycle keeps up with
 * that while bounding each cycle's work, so a backlog (after a retention change, say) drains
 * over a few cycles instead of one long delete.
 */
export const PROBE_HISTORY_RETENTION_DAYS = 7;
export const PRUNE_BATCH_ROWS = 1_000;

export function retentionCutoff(now: Date): Date {
  return new Date(now.getTime() - PROBE_HISTORY_RETENTION_DAYS * 24 * 60 * 60_000);
}

/** History older than the cutoff; cycle claims too; and state of targets gone that long (destroyed machines). */
export function pruneStatements(db: D1Database, now: Date): D1PreparedStatement[] {
  const cutoff = retentionCutoff(now);
  return [
    db
      .prepare(
        `DELETE FROM probe_results WHERE seq IN (
           SELECT seq FROM probe_results WHERE observed_at < ?1 ORDER BY observed_at LIMIT ?2)`,
      )
      .bind(cutoff.toISOString(), PRUNE_BATCH_ROWS),
    db
      .prepare(
        `DELETE FROM probe_cycles WHERE scheduled_time IN (
           SELECT scheduled_time FROM probe_cycles WHERE scheduled_time < ?1 ORDER BY scheduled_time LIMIT ?2)`,
      )
      .bind(cutoff.getTime(), PRUNE_BATCH_ROWS),
    db
      .prepare(
        `DELETE FROM probe_state WHERE rowid IN (
           SELECT rowid FROM probe_state WHERE last_observed_at < ?1 LIMIT ?2)`,
      )
      .bind(cutoff.toISOString(), PRUNE_BATCH_ROWS),
  ];
}
