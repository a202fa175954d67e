import { z } from "zod";

const SpendRow = z.object({ spent: z.number().nullable() });

/** The UTC day containing `now`, as the ISO bounds audit rows are compared with. */
export function utcDayBounds(now: Date): { start: string; end: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const end = new Date(start.getTime() + 24 * 60 * 60 * 1000);
  return { start: start.toISOString(), end: end.toISOString() };
}

/** The day's spend: the sum of `cost_usd` over that day's `probe.investigation_completed` rows. */
export async function readSpendToday(db: D1Database, now: Date): Promise<number> {
  const { start, end } = utcDayBounds(now);
  const row = await db
    .prepare(
      `SELECT COALESCE(SUM(json_extract(details, '$.cost_usd')), 0) AS spent FROM audit_events
       WHERE seam = 'probe.investigation_completed' AND emitted_at >= ?1 AND emitted_at < ?2`,
    )
    .bind(start, end)
    .first();
  return SpendRow.parse(row).spent ?? 0;
}
