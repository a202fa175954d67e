import { z } from "zod";
import type { ProbeResult } from "../../contracts";

/** What the cycle remembers per (probe, target) between cycles (table `probe_state`). */
export interface TargetMemory {
  consecutive_unhealthy: number;
  last_wake_at: string | null;
  last_wake_id: string | null;
}

/** Rows read back from D1 are parsed like any other edge. */
const MemoryRow = z.object({
  probe: z.string(),
  target: z.string(),
  consecutive_unhealthy: z.number().int().nonnegative(),
  last_wake_at: z.string().nullable(),
  last_wake_id: z.string().nullable(),
});
const InvestigationRow = z.object({ wake_id: z.string(), status: z.enum(["running", "done"]) });

export const memoryKey = (probe: string, target: string) => `${probe}\u0000${target}`;

/** Every target's memory, keyed by `memoryKey`. Targets are tens to a few hundred rows. */
export async function loadTargetMemory(db: D1Database): Promise<Map<string, TargetMemory>> {
  const { results } = await db
    .prepare("SELECT probe, target, consecutive_unhealthy, last_wake_at, last_wake_id FROM probe_state")
    .all();
  const memory = new Map<string, TargetMemory>();
  for (const row of z.array(MemoryRow).parse(results)) {
    const { probe, target, ...rest } = row;
    memory.set(memoryKey(probe, target), rest);
  }
  return memory;
}

/** Status of the investigations behind the given wakes; a wake not yet claimed has no entry. */
export async function loadInvestigationStatuses(
  db: D1Database,
  wakeIds: string[],
): Promise<Map<string, "running" | "done">> {
  if (wakeIds.length === 0) return new Map();
  // One bound JSON array instead of one parameter per id: D1 allows 100 parameters a statement.
  const { results } = await db
    .prepare("SELECT wake_id, status FROM investigations WHERE wake_id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(wakeIds))
    .all();
  return new Map(
    z
      .array(InvestigationRow)
      .parse(results)
      .map((row) => [row.wake_id, row.status]),
  );
}

export interface TargetUpdate {
  result: ProbeResult;
  consecutive_unhealthy: number;
  last_wake_at: string | null;
  last_wake_id: string | null;
}

/**
 * Upserts one target's state. The `WHERE` keeps an older cycle that finishes late from
 * overwriting what a newer one already wrote.
 */
export function saveTargetStatement(db: D1Database, update: TargetUpdate): D1PreparedStatement {
  const { result } = update;
  return db
    .prepare(
      `INSERT INTO probe_state
         (probe, target, last_status, last_detail, last_observed_at, consecutive_unhealthy, last_wake_at, last_wake_id)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
       ON CONFLICT (probe, target) DO UPDATE SET
         last_status = excluded.last_status,
         last_detail = excluded.last_detail,
         last_observed_at = excluded.last_observed_at,
         consecutive_unhealthy = excluded.consecutive_unhealthy,
         last_wake_at = excluded.last_wake_at,
         last_wake_id = excluded.last_wake_id
       WHERE excluded.last_observed_at >= probe_state.last_observed_at`,
    )
    .bind(
      result.probe,
      result.target,
      result.status,
      JSON.stringify(result.detail),
      result.observed_at,
      update.consecutive_unhealthy,
      update.last_wake_at,
      update.last_wake_id,
    );
}

export function saveResultStatement(db: D1Database, scheduledTime: number, result: ProbeResult): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO probe_results (scheduled_time, probe, target, status, detail, observed_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (scheduled_time, probe, target) DO NOTHING`,
    )
    .bind(scheduledTime, result.probe, result.target, result.status, JSON.stringify(result.detail), result.observed_at);
}

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
