import { z } from "zod";
import { AUDIT_COLUMNS, StoredAuditRow } from "../audit/queries";
import { parseSeamDetails, type AutofixAttemptDetails, type ShadowLabeledDetails } from "../contracts";
import type { FixSent } from "./label";

/**
 * The reads of shadow mode, all over `audit_events`: a decision is a `tool.probe_autofix_attempted`
 * row with status `shadowed`, its label the `autofix.shadow_labeled` row with the id
 * `shadow_label:<decision id>`. Both are found through the (seam, emitted_at) and id indexes.
 */

export const shadowLabelId = (decisionId: string) => `shadow_label:${decisionId}`;

export interface StoredDecision {
  row: StoredAuditRow;
  details: AutofixAttemptDetails;
}

const SHADOWED = `d.seam = 'tool.probe_autofix_attempted' AND json_extract(d.details, '$.status') = 'shadowed'`;
const DECISION_COLUMNS = AUDIT_COLUMNS.split(", ")
  .map((column) => `d.${column}`)
  .join(", ");

/** Decisions made in [since, until] that have no label yet, oldest first. */
export async function listUnlabeledDecisions(
  db: D1Database,
  window: { since: string; until: string },
  limit: number,
): Promise<StoredDecision[]> {
  const { results } = await db
    .prepare(
      `SELECT ${DECISION_COLUMNS} FROM audit_events d
       WHERE ${SHADOWED} AND d.emitted_at >= ?1 AND d.emitted_at <= ?2
         AND NOT EXISTS (SELECT 1 FROM audit_events l WHERE l.id = 'shadow_label:' || d.id)
       ORDER BY d.seq LIMIT ?3`,
    )
    .bind(window.since, window.until, limit)
    .all();
  return results.flatMap((raw) => decisionOf(StoredAuditRow.parse(raw)));
}

/** Fix actions really sent (rows with `action_taken`) after the row `afterSeq`. */
export async function listFixesSentAfter(db: D1Database, afterSeq: number): Promise<FixSent[]> {
  const { results } = await db
    .prepare(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events
       WHERE seam = 'tool.probe_autofix_attempted' AND seq > ?1
         AND json_extract(details, '$.action_taken') IS NOT NULL
       ORDER BY seq`,
    )
    .bind(afterSeq)
    .all();
  return results.flatMap((raw) => {
    const row = StoredAuditRow.parse(raw);
    const details = parseSeamDetails("tool.probe_autofix_attempted", row.details);
    if (!details.ok) return [];
    return [
      {
        audit_id: row.id,
        seq: row.seq,
        probe: details.value.probe,
        target_id: details.value.target_id,
        source: row.source,
      },
    ];
  });
}

const Counts = z.object({
  probe: z.string().nullable(),
  decisions: z.number().int(),
  needed: z.number().int().nullable(),
  unneeded: z.number().int().nullable(),
});
export type DecisionCounts = { probe: string; decisions: number; needed: number; unneeded: number };

/** Per probe: decisions since `since`, and how many of them were labeled each way. */
export async function countDecisions(db: D1Database, since: string): Promise<DecisionCounts[]> {
  const { results } = await db
    .prepare(
      `SELECT json_extract(d.details, '$.probe') AS probe, COUNT(*) AS decisions,
         SUM(json_extract(l.details, '$.label') = 'needed') AS needed,
         SUM(json_extract(l.details, '$.label') = 'unneeded') AS unneeded
       FROM audit_events d LEFT JOIN audit_events l ON l.id = 'shadow_label:' || d.id
       WHERE ${SHADOWED} AND d.emitted_at >= ?1
       GROUP BY 1`,
    )
    .bind(since)
    .all();
  return results.flatMap((raw) => {
    const row = Counts.parse(raw);
    return row.probe === null
      ? []
      : [{ probe: row.probe, decisions: row.decisions, needed: row.needed ?? 0, unneeded: row.unneeded ?? 0 }];
  });
}

export interface LabeledDecision extends StoredDecision {
  label: ShadowLabeledDetails | null;
}

/** One probe's newest decisions since `since`, each with its label if it has one. */
export async function listRecentDecisions(
  db: D1Database,
  probe: string,
  since: string,
  limit: number,
): Promise<LabeledDecision[]> {
  const { results } = await db
    .prepare(
      `SELECT ${DECISION_COLUMNS}, l.details AS label_details FROM audit_events d
       LEFT JOIN audit_events l ON l.id = 'shadow_label:' || d.id
       WHERE ${SHADOWED} AND d.emitted_at >= ?1 AND json_extract(d.details, '$.probe') = ?2
       ORDER BY d.seq DESC LIMIT ?3`,
    )
    .bind(since, probe, limit)
    .all();
  return results.flatMap((raw) => {
    const { label_details, ...rest } = z.object({ label_details: z.string().nullable() }).loose().parse(raw);
    const decision = decisionOf(StoredAuditRow.parse(rest));
    if (decision.length === 0) return [];
    const label = label_details === null ? null : parseLabel(label_details);
    return decision.map((found) => ({ ...found, label }));
  });
}

/** A stored row that no longer fits its schema is left out of the figures, not guessed at. */
function decisionOf(row: StoredAuditRow): StoredDecision[] {
  const details = parseSeamDetails("tool.probe_autofix_attempted", row.details);
  return details.ok ? [{ row, details: details.value }] : [];
}

function parseLabel(text: string): ShadowLabeledDetails | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = parseSeamDetails("autofix.shadow_labeled", json);
  return parsed.ok ? parsed.value : null;
}
