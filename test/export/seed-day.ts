import { env } from "cloudflare:workers";

/**
 * Seeds `count` audit rows spread over one UTC day with one INSERT … SELECT (D1 caps bound
 * parameters, not generated rows). Timestamps wrap around the day so `seq` order and time order
 * differ, and details carry quotes, backslashes, newlines and non-ASCII text.
 */
export async function seedAuditDay(date: string, count: number, prefix = "seed", sessions = 5000): Promise<void> {
  const chunk = 50_000;
  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk);
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?2)
       INSERT INTO audit_events (id, emitted_at, seam, caller_session_id, source, details)
       SELECT ?3 || '-' || i,
              strftime('%Y-%m-%dT%H:%M:%fZ', ?4, '+' || ((i * 7919) % 86400) || ' seconds'),
              CASE i % 3 WHEN 0 THEN 'probe.wake_requested' WHEN 1 THEN 'tool.probe_autofix_attempted'
                         ELSE 'probe.investigation_completed' END,
              'wake:' || ?3 || '-' || (i % CAST(?5 AS INTEGER)),
              CASE i % 2 WHEN 0 THEN 'cron' ELSE 'reasoning' END,
              json_object('i', i, 'note', 'quote " back \\ é ✓ ' || char(10) || char(8232) || ' end',
                          'nested', json_object('ok', i % 2 = 0, 'n', NULL))
       FROM n`,
    )
      .bind(from, to, prefix, date, sessions)
      .run();
  }
}

export async function seedDmDay(date: string, count: number, prefix = "dm"): Promise<void> {
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
     INSERT INTO slack_dm_log (id, created_at, caller_session_id, kind, channel, dm_status, text, blocks, slack_ts, error)
     SELECT ?2 || '-' || i, strftime('%Y-%m-%dT%H:%M:%fZ', ?3, '+' || (i * 37 % 86400) || ' seconds'),
            'wake:' || ?2 || '-' || i, 'investigation', 'D0OPERATOR',
            CASE i % 4 WHEN 0 THEN 'failed_send' ELSE 'sent' END,
            '*Fly machine stopped* — restarted <ok> & "verified"', NULL,
            CASE i % 4 WHEN 0 THEN NULL ELSE '1730000000.' || i END,
            CASE i % 4 WHEN 0 THEN 'ratelimited' ELSE NULL END
     FROM n`,
  )
    .bind(count, prefix, date)
    .run();
}

/** Every row of a table for a day, in the export's order, read the plain way (OFFSET pages). */
export async function dayRows(table: "audit_events" | "slack_dm_log", date: string): Promise<unknown[]> {
  const columns =
    table === "audit_events"
      ? "seq, id, emitted_at, seam, caller_session_id, source, details"
      : "seq, id, created_at, caller_session_id, kind, channel, dm_status, text, blocks, slack_ts, error";
  const at = table === "audit_events" ? "emitted_at" : "created_at";
  const rows: unknown[] = [];
  for (let offset = 0; ; offset += 20_000) {
    const { results } = await env.DB.prepare(
      `SELECT ${columns} FROM ${table} WHERE substr(${at}, 1, 10) = ?1
         AND NOT (${table === "audit_events" ? "seam = 'audit.export_completed' AND details LIKE '%\"date\":\"' || ?1 || '\"%'" : "0"})
       ORDER BY ${at}, seq LIMIT 20000 OFFSET ?2`,
    )
      .bind(date, offset)
      .all();
    rows.push(...results);
    if (results.length < 20_000) return rows;
  }
}
