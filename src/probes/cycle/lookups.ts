import { z } from "zod";
import { ProbeStatus } from "../../contracts";
import type { StatusChange } from "../../incidents";
import { memoryKey } from "./memory";

/**
 * The reads a cycle needs beyond every target's memory, each only for the few targets that
 * need it: what is read grows with what changed, like what is written.
 */

const InvestigationRow = z.object({ wake_id: z.string(), status: z.enum(["running", "done"]) });

/** Status of the investigations behind the given wakes; a wake not yet claimed has no entry. */
export async function loadInvestigationStatuses(
  db: D1Database,
  wakeIds: string[],
): Promise<Map<string, "running" | "done">> {
  if (wakeIds.length === 0) return new Map();
  // One bound JSON array instead of one parameter per id: D1 allows 100 parameters a statement.
  const { results } = await db
    .prepare("SELECT wake_id, status FROM investigations WHERE wake_id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify([...new Set(wakeIds)]))
    .all();
  return new Map(
    z
      .array(InvestigationRow)
      .parse(results)
      .map((row) => [row.wake_id, row.status]),
  );
}

const TransitionRow = z.object({
  probe: z.string(),
  target: z.string(),
  at: z.string(),
  from_status: ProbeStatus.nullable().catch(null),
  to_status: ProbeStatus.catch("error"),
});

/** The stored status changes since `since` of the targets given, keyed by `memoryKey`. */
export async function loadRecentChanges(
  db: D1Database,
  targets: { probe: string; target: string }[],
  since: Date,
): Promise<Map<string, StatusChange[]>> {
  if (targets.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT t.probe, t.target, t.at, t.from_status, t.to_status FROM probe_transitions AS t
       JOIN json_each(?1) AS wanted
         ON t.probe = json_extract(wanted.value, '$[0]') AND t.target = json_extract(wanted.value, '$[1]')
       WHERE t.at >= ?2`,
    )
    .bind(JSON.stringify(targets.map((t) => [t.probe, t.target])), since.toISOString())
    .all();
  const changes = new Map<string, StatusChange[]>();
  for (const row of z.array(TransitionRow).parse(results)) {
    const key = memoryKey(row.probe, row.target);
    changes.set(key, [...(changes.get(key) ?? []), row]);
  }
  return changes;
}
