import { z } from "zod";
import { ProbeDetail, ProbeName, ProbeStatus } from "../contracts";

/**
 * Read side of the probe tables, for `kora__get_probe_status` and the console. Rows from D1 are
 * parsed like any other edge; a `detail` that no longer parses is shown as such, not thrown.
 */

const detailColumn = z.string().transform((text): ProbeDetail => {
  try {
    const parsed = ProbeDetail.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  return { summary: "(detail unreadable)" };
});

export const ProbeStatusRow = z.object({
  probe: ProbeName,
  target: z.string(),
  last_status: ProbeStatus,
  last_detail: detailColumn,
  last_observed_at: z.string(),
  consecutive_unhealthy: z.number().int(),
  last_wake_at: z.string().nullable(),
  last_wake_id: z.string().nullable(),
});
export type ProbeStatusRow = z.infer<typeof ProbeStatusRow>;

/**
 * One status change of one target (table `probe_transitions`): history is kept as changes, not
 * as one row per target per minute. `from_status` is null for the first observation of a target.
 */
export const ProbeTransitionRow = z.object({
  probe: ProbeName,
  target: z.string(),
  at: z.string(),
  from_status: ProbeStatus.nullable(),
  to_status: ProbeStatus,
  detail: detailColumn,
});
export type ProbeTransitionRow = z.infer<typeof ProbeTransitionRow>;

export const ProbeCycleRow = z.object({
  scheduled_time: z.number().int(),
  started_at: z.string(),
  completed_at: z.string().nullable(),
});
export type ProbeCycleRow = z.infer<typeof ProbeCycleRow>;

const STATE_COLUMNS =
  "probe, target, last_status, last_detail, last_observed_at, consecutive_unhealthy, last_wake_at, last_wake_id";

/** Latest state of every target of one probe, or of all probes: unhealthy first, then by name. */
export async function getProbeStatus(db: D1Database, probe?: ProbeName): Promise<ProbeStatusRow[]> {
  const order = `ORDER BY CASE last_status WHEN 'unhealthy' THEN 0 WHEN 'error' THEN 1 WHEN 'skipped' THEN 2 ELSE 3 END, probe, target`;
  const statement = probe
    ? db.prepare(`SELECT ${STATE_COLUMNS} FROM probe_state WHERE probe = ?1 ${order}`).bind(probe)
    : db.prepare(`SELECT ${STATE_COLUMNS} FROM probe_state ${order}`);
  const { results } = await statement.all();
  return z.array(ProbeStatusRow).parse(results);
}

/** State of one target, or null when it has never been probed. */
export async function getTargetStatus(
  db: D1Database,
  probe: ProbeName,
  target: string,
): Promise<ProbeStatusRow | null> {
  const row = await db
    .prepare(`SELECT ${STATE_COLUMNS} FROM probe_state WHERE probe = ?1 AND target = ?2`)
    .bind(probe, target)
    .first();
  return row ? ProbeStatusRow.parse(row) : null;
}

const TRANSITION_COLUMNS = "probe, target, at, from_status, to_status, detail";

/** The latest status changes of one target, newest first (at most `limit`, capped at 500). */
export async function getTargetTransitions(
  db: D1Database,
  probe: ProbeName,
  target: string,
  limit = 10,
): Promise<ProbeTransitionRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${TRANSITION_COLUMNS} FROM probe_transitions
       WHERE probe = ?1 AND target = ?2 ORDER BY at DESC LIMIT ?3`,
    )
    .bind(probe, target, Math.min(Math.max(1, limit), 500))
    .all();
  return z.array(ProbeTransitionRow).parse(results);
}

export interface TargetKey {
  probe: ProbeName;
  target: string;
}

/**
 * What is needed to draw the given targets over `[from, to]`: every transition inside the window
 * plus, per target, the last one before it (its `to_status` is the status the window opens
 * with). Oldest first per target. Each target is one seek on the primary key `(probe, target,
 * at)`, so the rows read grow with the changes drawn, not with the table. The targets travel as
 * one JSON parameter: D1 allows 100 bound parameters a statement.
 */
export async function getTransitionsInWindow(
  db: D1Database,
  targets: readonly TargetKey[],
  window: { from: Date; to: Date },
): Promise<ProbeTransitionRow[]> {
  if (targets.length === 0) return [];
  const { results } = await db
    .prepare(
      `WITH wanted (probe, target) AS (
         SELECT DISTINCT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1))
       SELECT t.probe, t.target, t.at, t.from_status, t.to_status, t.detail
       FROM wanted w JOIN probe_transitions t ON t.probe = w.probe AND t.target = w.target
       WHERE t.at <= ?3 AND t.at >= COALESCE(
         (SELECT MAX(b.at) FROM probe_transitions b WHERE b.probe = w.probe AND b.target = w.target AND b.at < ?2), '')
       ORDER BY t.probe, t.target, t.at`,
    )
    .bind(
      JSON.stringify(targets.map((key) => [key.probe, key.target])),
      window.from.toISOString(),
      window.to.toISOString(),
    )
    .all();
  return z.array(ProbeTransitionRow).parse(results);
}

/** The most recent cycles, newest first: shows whether the cron is running and finishing. */
export async function getRecentCycles(db: D1Database, limit = 10): Promise<ProbeCycleRow[]> {
  const { results } = await db
    .prepare("SELECT scheduled_time, started_at, completed_at FROM probe_cycles ORDER BY scheduled_time DESC LIMIT ?1")
    .bind(Math.min(Math.max(1, limit), 500))
    .all();
  return z.array(ProbeCycleRow).parse(results);
}
