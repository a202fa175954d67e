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

export const ProbeHistoryRow = z.object({
  scheduled_time: z.number().int(),
  probe: ProbeName,
  target: z.string(),
  status: ProbeStatus,
  detail: detailColumn,
  observed_at: z.string(),
});
export type ProbeHistoryRow = z.infer<typeof ProbeHistoryRow>;

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

/**
 * Recent status changes of one target, newest first (at most `limit`, capped at 500). History is
 * kept as transitions (migration 0003): each row is the cycle that saw the status change.
 */
export async function getProbeHistory(
  db: D1Database,
  probe: ProbeName,
  target: string,
  limit = 60,
): Promise<ProbeHistoryRow[]> {
  const { results } = await db
    .prepare(
      `SELECT CAST(strftime('%s', at) AS INTEGER) * 1000 AS scheduled_time, probe, target, to_status AS status,
         detail, at AS observed_at
       FROM probe_transitions WHERE probe = ?1 AND target = ?2 ORDER BY at DESC LIMIT ?3`,
    )
    .bind(probe, target, Math.min(Math.max(1, limit), 500))
    .all();
  return z.array(ProbeHistoryRow).parse(results);
}

/** The most recent cycles, newest first: shows whether the cron is running and finishing. */
export async function getRecentCycles(db: D1Database, limit = 10): Promise<ProbeCycleRow[]> {
  const { results } = await db
    .prepare("SELECT scheduled_time, started_at, completed_at FROM probe_cycles ORDER BY scheduled_time DESC LIMIT ?1")
    .bind(Math.min(Math.max(1, limit), 500))
    .all();
  return z.array(ProbeCycleRow).parse(results);
}
