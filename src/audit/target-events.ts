import { z } from "zod";
import { summarizeActivity, type IncidentFix, type IncidentWake } from "./incident-activity";
import { AUDIT_COLUMNS, StoredAuditRow } from "./queries";

const MARK_SEAMS = ["probe.wake_requested", "tool.probe_autofix_attempted"] as const;

/**
 * Every wake and every fix sent since `since`, whatever incident they belong to: the marks on
 * the status page's strips. Two range scans of the `(seam, emitted_at)` index.
 */
export async function readWakesAndFixes(
  db: D1Database,
  since: Date,
): Promise<{ wakes: IncidentWake[]; fixes: IncidentFix[] }> {
  const { results } = await db
    .prepare(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events
       WHERE seam IN (?1, ?2) AND emitted_at >= ?3
       ORDER BY emitted_at, seq`,
    )
    .bind(...MARK_SEAMS, since.toISOString())
    .all();
  const { wakes, fixes } = summarizeActivity(z.array(StoredAuditRow).parse(results));
  return { wakes, fixes };
}
