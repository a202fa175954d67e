import { z } from "zod";
import { DM_LOG_COLUMNS, StoredDmLogEntry } from "./dm-log";
import { InvestigationRow, investigationBySessionStatement } from "./investigations";
import { AUDIT_COLUMNS, StoredAuditRow } from "./queries";

/**
 * One incident's timeline (DESIGN §3): every audit row and DM log row sharing a
 * `caller_session_id`, merged in time order. At equal timestamps audit rows come before DM rows,
 * then `seq` decides, so the order is total and a cursor never skips or repeats an entry.
 */
export type TimelineEntry =
  | { kind: "audit"; at: string; seq: number; row: StoredAuditRow }
  | { kind: "dm"; at: string; seq: number; row: StoredDmLogEntry };

const RANK = { audit: 0, dm: 1 } as const;

export const TimelineCursor = z.object({
  at: z.string(),
  rank: z.union([z.literal(0), z.literal(1)]),
  seq: z.number().int(),
});
export type TimelineCursor = z.infer<typeof TimelineCursor>;

export interface SessionTimeline {
  caller_session_id: string;
  investigation: InvestigationRow | null;
  entries: TimelineEntry[];
  next: TimelineCursor | null;
}

/** Both streams and the investigation are read in one batch: one consistent snapshot per page. */
export async function readSessionTimeline(
  db: D1Database,
  callerSessionId: string,
  page: { after?: TimelineCursor; limit: number },
): Promise<SessionTimeline> {
  const after = page.after ?? { at: "", rank: 0, seq: -1 };
  const [audit, dms, investigation] = await db.batch([
    db
      .prepare(
        `SELECT ${AUDIT_COLUMNS} FROM audit_events
         WHERE caller_session_id = ?1 AND (emitted_at, ${RANK.audit}, seq) > (?2, ?3, ?4)
         ORDER BY emitted_at, seq LIMIT ?5`,
      )
      .bind(callerSessionId, after.at, after.rank, after.seq, page.limit + 1),
    db
      .prepare(
        `SELECT ${DM_LOG_COLUMNS}
         FROM slack_dm_log WHERE caller_session_id = ?1 AND (created_at, ${RANK.dm}, seq) > (?2, ?3, ?4)
         ORDER BY created_at, seq LIMIT ?5`,
      )
      .bind(callerSessionId, after.at, after.rank, after.seq, page.limit + 1),
    investigationBySessionStatement(db, callerSessionId),
  ]);
  const merged: TimelineEntry[] = [
    ...(audit?.results ?? []).map((raw) => {
      const row = StoredAuditRow.parse(raw);
      return { kind: "audit" as const, at: row.emitted_at, seq: row.seq, row };
    }),
    ...(dms?.results ?? []).map((raw) => {
      const row = StoredDmLogEntry.parse(raw);
      return { kind: "dm" as const, at: row.created_at, seq: row.seq, row };
    }),
  ].sort(compareEntries);
  const entries = merged.slice(0, page.limit);
  const last = entries.at(-1);
  const first = investigation?.results[0];
  return {
    caller_session_id: callerSessionId,
    investigation: first ? InvestigationRow.parse(first) : null,
    entries,
    next: merged.length > page.limit && last ? { at: last.at, rank: RANK[last.kind], seq: last.seq } : null,
  };
}

function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.kind !== b.kind) return RANK[a.kind] - RANK[b.kind];
  return a.seq - b.seq;
}
