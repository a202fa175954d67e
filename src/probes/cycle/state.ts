import type { ProbeName } from "../../contracts";
import type { TargetState } from "./memory";

/**
 * Writes of the cycle, one named statement each. Only targets whose result changed something
 * reach these (see `nextTargetState`); the wake columns are written by the wake claim alone
 * (wake-claims.ts), so a late cycle can never undo a newer cycle's claim.
 */

/**
 * Upserts one target's state. The `WHERE` keeps an older cycle that finishes late from
 * overwriting what a newer one already wrote.
 */
export function saveTargetStatement(
  db: D1Database,
  key: { probe: ProbeName; target: string },
  state: TargetState,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO probe_state
         (probe, target, last_status, last_detail, last_observed_at, consecutive_unhealthy, status_since, unhealthy_since)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
       ON CONFLICT (probe, target) DO UPDATE SET
         last_status = excluded.last_status,
         last_detail = excluded.last_detail,
         last_observed_at = excluded.last_observed_at,
         consecutive_unhealthy = excluded.consecutive_unhealthy,
         status_since = excluded.status_since,
         unhealthy_since = excluded.unhealthy_since
       WHERE excluded.last_observed_at >= probe_state.last_observed_at`,
    )
    .bind(...stateValues(key, state));
}

/** The values of `probe_state`'s first eight columns, in order, for a statement that writes them as ?1–?8. */
export function stateValues(key: { probe: ProbeName; target: string }, state: TargetState) {
  return [
    key.probe,
    key.target,
    state.status,
    JSON.stringify(state.detail),
    state.observed_at,
    state.consecutive_unhealthy,
    state.status_since,
    state.unhealthy_since,
  ] as const;
}

/** One status change; keyed on (probe, target, at), so a re-fired minute writes it once. */
export function saveTransitionStatement(
  db: D1Database,
  transition: {
    probe: ProbeName;
    target: string;
    at: string;
    from_status: string | null;
    to_status: string;
    detail: unknown;
  },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO probe_transitions (probe, target, at, from_status, to_status, detail)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (probe, target, at) DO NOTHING`,
    )
    .bind(
      transition.probe,
      transition.target,
      transition.at,
      transition.from_status,
      transition.to_status,
      JSON.stringify(transition.detail),
    );
}

/** A target its probe no longer lists (a destroyed machine): forgotten, its history kept. */
export function forgetTargetStatement(db: D1Database, key: { probe: string; target: string }): D1PreparedStatement {
  return db.prepare("DELETE FROM probe_state WHERE probe = ?1 AND target = ?2").bind(key.probe, key.target);
}

/**
 * How long probe history is kept, and how much of it one pass may delete: bounded work per
 * cycle, so a backlog (after a retention change, say) drains over a few passes. Transitions are
 * pruned once an hour, so that pass may delete more: a whole fleet flapping all hour stays within it.
 */
export const PROBE_HISTORY_RETENTION_DAYS = 7;
export const PRUNE_BATCH_ROWS = 1_000;
export const PRUNE_TRANSITIONS_BATCH_ROWS = 20_000;

export function retentionCutoff(now: Date): Date {
  return new Date(now.getTime() - PROBE_HISTORY_RETENTION_DAYS * 24 * 60 * 60_000);
}

/**
 * `probe_transitions` has one key (probe, target, at) and no index on `at` — each index entry is
 * a row D1 bills on every write — so deleting by age reads the table. Doing it in the first cycle
 * of each hour keeps that to 24 passes a day; cycle claims are deleted every cycle, by their key.
 */
export function pruneStatements(db: D1Database, now: Date): D1PreparedStatement[] {
  const cutoff = retentionCutoff(now);
  const statements = [
    db
      .prepare(
        `DELETE FROM probe_cycles WHERE scheduled_time IN (
           SELECT scheduled_time FROM probe_cycles WHERE scheduled_time < ?1 ORDER BY scheduled_time LIMIT ?2)`,
      )
      .bind(cutoff.getTime(), PRUNE_BATCH_ROWS),
  ];
  if (now.getUTCMinutes() !== 0) return statements;
  return [
    ...statements,
    db
      .prepare(
        `DELETE FROM probe_transitions WHERE (probe, target, at) IN (
           SELECT probe, target, at FROM probe_transitions WHERE at < ?1 LIMIT ?2)`,
      )
      .bind(cutoff.toISOString(), PRUNE_TRANSITIONS_BATCH_ROWS),
  ];
}
