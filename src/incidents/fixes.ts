import { z } from "zod";
import { parseSeamDetails } from "../contracts";
import type { IncidentFix } from "./rules";

/** A fix of the incident that reached the provider, read from its `tool.probe_autofix_attempted` row. */
export interface IncidentFixRow extends IncidentFix {
  seq: number;
  action: string;
  target_id: string;
  at: string;
}

export interface IncidentFixes {
  /** Every fix that reached the provider (`incidents.fixes`). */
  all: IncidentFixRow[];
  /** Those since the incident last failed: after its newest `probe.wake_requested` row. */
  sinceLastWake: IncidentFixRow[];
}

const Row = z.object({
  seq: z.number().int(),
  seam: z.string(),
  source: z.string(),
  emitted_at: z.string(),
  details: z.string(),
});

/**
 * The incident's fixes, in order. Rows are told apart by `seq`, not by time: a wake's time is a
 * cycle's scheduled time while a fix's is the wall clock, and only the log's order relates them.
 */
export async function readIncidentFixes(db: D1Database, incidentId: string): Promise<IncidentFixes> {
  const { results } = await db
    .prepare(
      `SELECT seq, seam, source, emitted_at, details FROM audit_events
       WHERE caller_session_id = ?1 AND seam IN ('probe.wake_requested', 'tool.probe_autofix_attempted')
       ORDER BY seq`,
    )
    .bind(incidentId)
    .all();
  let lastWakeSeq = -1;
  const all: IncidentFixRow[] = [];
  for (const row of z.array(Row).parse(results)) {
    if (row.seam === "probe.wake_requested") {
      lastWakeSeq = row.seq;
      continue;
    }
    const parsed = parseSeamDetails("tool.probe_autofix_attempted", safeJson(row.details));
    if (!parsed.ok || parsed.value.status !== "attempted") continue;
    all.push({
      seq: row.seq,
      source: row.source,
      outcome: parsed.value.outcome ?? null,
      action: parsed.value.action_taken ?? parsed.value.action_canonical ?? parsed.value.action,
      target_id: parsed.value.target_id,
      at: row.emitted_at,
    });
  }
  return { all, sinceLastWake: all.filter((fix) => fix.seq > lastWakeSeq) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
