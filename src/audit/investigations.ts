import { z } from "zod";
import { DmStatus } from "../contracts";

/** One `investigations` row (DESIGN §3 step 2), parsed on the way out of D1. */
export const InvestigationRow = z.object({
  wake_id: z.string(),
  caller_session_id: z.string(),
  probe: z.string(),
  target: z.string(),
  status: z.enum(["running", "done"]),
  claimed_at: z.string(),
  completed_at: z.string().nullable(),
  dm_status: DmStatus.nullable(),
  model: z.string().nullable(),
  cost_usd: z.number().nullable(),
  summary: z.string().nullable(),
});
export type InvestigationRow = z.infer<typeof InvestigationRow>;

/** Keyset position for newest-first pages: `(claimed_at, wake_id)` is unique and never moves. */
export const InvestigationCursor = z.object({ claimed_at: z.string(), wake_id: z.string() });
export type InvestigationCursor = z.infer<typeof InvestigationCursor>;

export interface InvestigationQuery {
  dm_status?: DmStatus;
  status?: InvestigationRow["status"];
  before?: InvestigationCursor;
  limit: number;
}

const COLUMNS =
  "wake_id, caller_session_id, probe, target, status, claimed_at, completed_at, dm_status, model, cost_usd, summary";

/** Newest first; only the filters given reach the SQL so the `dm_status` index applies. */
export async function listInvestigations(
  db: D1Database,
  query: InvestigationQuery,
): Promise<{ rows: InvestigationRow[]; next: InvestigationCursor | null }> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, ...values: (string | number)[]) => {
    const parts = sql.split("?");
    where.push(
      parts.reduce((text, part, index) => {
        if (index === 0) return part;
        params.push(values[index - 1] ?? "");
        return `${text}?${params.length}${part}`;
      }, ""),
    );
  };
  if (query.dm_status) add("dm_status = ?", query.dm_status);
  if (query.status) add("status = ?", query.status);
  if (query.before) add("(claimed_at, wake_id) < (?, ?)", query.before.claimed_at, query.before.wake_id);
  params.push(query.limit + 1);
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM investigations ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY claimed_at DESC, wake_id DESC LIMIT ?${params.length}`,
    )
    .bind(...params)
    .all();
  const rows = results.map((row) => InvestigationRow.parse(row));
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page,
    next: rows.length > query.limit && last ? { claimed_at: last.claimed_at, wake_id: last.wake_id } : null,
  };
}

export function investigationBySessionStatement(db: D1Database, callerSessionId: string): D1PreparedStatement {
  return db
    .prepare(`SELECT ${COLUMNS} FROM investigations WHERE caller_session_id = ?1 ORDER BY claimed_at LIMIT 1`)
    .bind(callerSessionId);
}
