import { z } from "zod";

/**
 * Fix actions Kora sent to a target since `sinceIso`: one per `tool.probe_autofix_attempted` row
 * that carries `action_taken`. A refusal sends nothing, so it does not spend budget; a failed call
 * may still have reached Fly, so it does.
 */
export async function countFixActionsSince(db: D1Database, targetId: string, sinceIso: string): Promise<number> {
  const row = await db
    .prepare(
      `SELECT COUNT(*) AS n FROM audit_events
       WHERE seam = 'tool.probe_autofix_attempted' AND emitted_at >= ?1
         AND json_extract(details, '$.target_id') = ?2
         AND json_extract(details, '$.action_taken') IS NOT NULL`,
    )
    .bind(sinceIso, targetId)
    .first();
  return z.object({ n: z.number().int() }).parse(row).n;
}
