import { StoredDmLogEntry } from "../audit/dm-log";

/**
 * The DM a button was pressed on, as Kora last delivered it: the newest delivered row for that
 * Slack message, so an update builds on the previous update rather than on the first post.
 * Rows, not the payload's echo of the message, are the source: they hold what Kora wrote.
 */
export async function findDeliveredDm(db: D1Database, channel: string, ts: string): Promise<StoredDmLogEntry | null> {
  const row = await db
    .prepare(
      `SELECT seq, id, created_at, caller_session_id, kind, channel, dm_status, text, blocks, slack_ts, error
       FROM slack_dm_log
       WHERE channel = ?1 AND slack_ts = ?2 AND dm_status IN ('sent', 'engine_unavailable_fallback')
       ORDER BY seq DESC LIMIT 1`,
    )
    .bind(channel, ts)
    .first();
  return row ? StoredDmLogEntry.parse(row) : null;
}
