import { z } from "zod";
import { AuditSource, Seam } from "../contracts";

/** An audit row as read back from D1; `details` is parsed, never cast. */
export const StoredAuditRow = z.object({
  seq: z.number().int(),
  id: z.string(),
  emitted_at: z.string(),
  seam: z.string(),
  caller_session_id: z.string(),
  source: AuditSource,
  details: z
    .string()
    .transform((text) => JSON.parse(text) as unknown)
    .pipe(z.record(z.string(), z.unknown())),
});
export type StoredAuditRow = z.infer<typeof StoredAuditRow>;

/** The table's columns in schema order: every read of `audit_events` selects exactly these. */
export const AUDIT_COLUMNS = Object.keys(StoredAuditRow.shape).join(", ");

export interface AuditQuery {
  caller_session_id?: string;
  seam?: Seam;
  since?: string;
  /** Keyset cursor: only rows with a smaller `seq` (newest first). */
  before_seq?: number;
  limit: number;
}

/**
 * Newest first, keyset-paginated on `seq`. Only the filters given reach the SQL, so SQLite can
 * use the matching index instead of scanning the table.
 */
export async function listAuditEvents(
  db: D1Database,
  query: AuditQuery,
): Promise<{ rows: StoredAuditRow[]; next_before_seq: number | null }> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const filter = (sql: string, value: string | number | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(sql.replace("?", `?${params.length}`));
  };
  filter("caller_session_id = ?", query.caller_session_id);
  filter("seam = ?", query.seam);
  filter("emitted_at >= ?", query.since);
  filter("seq < ?", query.before_seq);
  params.push(query.limit + 1);
  const { results } = await db
    .prepare(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY seq DESC LIMIT ?${params.length}`,
    )
    .bind(...params)
    .all();
  const rows = results.map((row) => StoredAuditRow.parse(row));
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { rows: page, next_before_seq: rows.length > query.limit && last ? last.seq : null };
}
