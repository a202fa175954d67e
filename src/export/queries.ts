import { z } from "zod";
import { DM_LOG_COLUMNS, StoredDmLogEntry } from "../audit/dm-log";
import { AUDIT_COLUMNS, StoredAuditRow } from "../audit/queries";
import type { ExportDate } from "./day";
import { dayRange } from "./day";

/**
 * One D1 row per JSONL line, exactly as stored: `details` stays the JSON text D1 holds, so a line
 * parses back to the row byte for byte. Keys follow the column order.
 */
export const AuditTableRow = z.strictObject({
  ...StoredAuditRow.shape,
  seam: z.string(),
  source: z.string(),
  details: z.string(),
});
export type AuditTableRow = z.infer<typeof AuditTableRow>;

/** Keyset position inside a day: rows are read in `(timestamp, seq)` order, never by OFFSET. */
export interface DayCursor {
  at: string;
  seq: number;
}

export const EXPORT_SEAM = "audit.export_completed";

/**
 * A day's audit rows after `cursor`, in `(emitted_at, seq)` order, which the
 * `audit_events_by_time` index serves directly. Rows recording an export of this same day are
 * left out: a file cannot contain its own hash, and without this rule every re-run would add a
 * row and never converge.
 */
export async function readAuditPage(
  db: D1Database,
  date: ExportDate,
  cursor: DayCursor | null,
  limit: number,
): Promise<AuditTableRow[]> {
  const { start, end } = dayRange(date);
  const { results } = await db
    .prepare(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events
       WHERE (emitted_at, seq) > (?1, ?2) AND emitted_at < ?3
         AND (CASE WHEN seam = '${EXPORT_SEAM}' THEN json_extract(details, '$.date') END) IS NOT ?4
       ORDER BY emitted_at, seq LIMIT ?5`,
    )
    .bind(cursor?.at ?? start, cursor?.seq ?? -1, end, date, limit)
    .all();
  return results.map((row) => AuditTableRow.parse(row));
}

/** A day's DM log rows after `cursor`, in `(created_at, seq)` order. */
export async function readDmLogPage(
  db: D1Database,
  date: ExportDate,
  cursor: DayCursor | null,
  limit: number,
): Promise<StoredDmLogEntry[]> {
  const { start, end } = dayRange(date);
  const { results } = await db
    .prepare(
      `SELECT ${DM_LOG_COLUMNS} FROM slack_dm_log
       WHERE (created_at, seq) > (?1, ?2) AND created_at < ?3
       ORDER BY created_at, seq LIMIT ?4`,
    )
    .bind(cursor?.at ?? start, cursor?.seq ?? -1, end, limit)
    .all();
  return results.map((row) => StoredDmLogEntry.parse(row));
}
