import { z } from "zod";
import { DmStatus, type DmKind } from "../contracts";

export interface DmLogEntry {
  /** Idempotency key: a repeat of the same DM (a redelivered wake) inserts nothing. */
  id: string;
  created_at: string;
  caller_session_id: string;
  kind: DmKind;
  channel: string | null;
  dm_status: DmStatus;
  text: string;
  blocks: unknown[] | null;
  slack_ts: string | null;
  error: string | null;
}

/**
 * A `slack_dm_log` row exactly as D1 holds it (`blocks` still JSON text). Strict, so a column
 * added later fails loudly here and in the export instead of being silently dropped.
 */
export const StoredDmLogEntry = z.strictObject({
  seq: z.number().int(),
  id: z.string(),
  created_at: z.string(),
  caller_session_id: z.string(),
  kind: z.string(),
  channel: z.string().nullable(),
  dm_status: DmStatus,
  text: z.string(),
  blocks: z.string().nullable(),
  slack_ts: z.string().nullable(),
  error: z.string().nullable(),
});
export type StoredDmLogEntry = z.infer<typeof StoredDmLogEntry>;

/** The log's columns in schema order: every read of the table selects exactly these. */
export const DM_LOG_COLUMNS = Object.keys(StoredDmLogEntry.shape).join(", ");

/**
 * The one function that writes `slack_dm_log` rows, whichever path sent (or failed to send) the
 * DM. Returns whether a row was inserted: false means this DM was already logged.
 */
export async function appendDmLogEntry(db: D1Database, entry: DmLogEntry): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO slack_dm_log (${DM_LOG_COLUMNS.replace("seq, ", "")})
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO NOTHING`,
    )
    .bind(
      entry.id,
      entry.created_at,
      entry.caller_session_id,
      entry.kind,
      entry.channel,
      entry.dm_status,
      entry.text,
      entry.blocks ? JSON.stringify(entry.blocks) : null,
      entry.slack_ts,
      entry.error,
    )
    .run();
  return result.meta.changes > 0;
}

export async function getDmLogEntry(db: D1Database, id: string): Promise<StoredDmLogEntry | null> {
  const row = await db.prepare(`SELECT ${DM_LOG_COLUMNS} FROM slack_dm_log WHERE id = ?1`).bind(id).first();
  return row ? StoredDmLogEntry.parse(row) : null;
}

export async function listDmLogForSession(db: D1Database, callerSessionId: string): Promise<StoredDmLogEntry[]> {
  const { results } = await db
    .prepare(`SELECT ${DM_LOG_COLUMNS} FROM slack_dm_log WHERE caller_session_id = ?1 ORDER BY seq`)
    .bind(callerSessionId)
    .all();
  return results.map((row) => StoredDmLogEntry.parse(row));
}

/**
 * The DM a button was pressed on, as Kora last delivered it: the newest delivered row for that
 * Slack message, so an update builds on the previous update rather than on the first post.
 * Rows, not the payload's echo of the message, are the source: they hold what Kora wrote.
 */
export async function findDeliveredDm(db: D1Database, channel: string, ts: string): Promise<StoredDmLogEntry | null> {
  const row = await db
    .prepare(
      `SELECT ${DM_LOG_COLUMNS} FROM slack_dm_log
       WHERE channel = ?1 AND slack_ts = ?2 AND dm_status IN ('sent', 'engine_unavailable_fallback')
       ORDER BY seq DESC LIMIT 1`,
    )
    .bind(channel, ts)
    .first();
  return row ? StoredDmLogEntry.parse(row) : null;
}
