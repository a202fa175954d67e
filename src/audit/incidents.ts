import { z } from "zod";
import { INCIDENT_COLUMNS, IncidentRow, IncidentStatus, ProbeName } from "../contracts";
import { ACTIVITY_SEAMS, summarizeActivity, type IncidentActivity } from "./incident-activity";
import { InvestigationRow } from "./investigations";
import { AUDIT_COLUMNS, StoredAuditRow } from "./queries";

/**
 * Read side of the incident tables (migrations/0002: `incidents`, `incident_targets`), for the
 * operator API and the console. The probe cycle writes them; nothing here does.
 */

export { IncidentRow, IncidentStatus };

const INVESTIGATION_COLUMNS = Object.keys(InvestigationRow.shape).join(", ");

export const IncidentTarget = z.object({
  incident_id: z.string(),
  probe: ProbeName,
  target: z.string(),
  fly_app: z.string().nullable(),
});
export type IncidentTarget = z.infer<typeof IncidentTarget>;

export interface IncidentRecord {
  incident: IncidentRow;
  targets: IncidentTarget[];
  activity: IncidentActivity;
}

/**
 * Open and escalated incidents come first (someone may have to act), escalated before open;
 * within each, newest first. `rank` is that order's first key, so it is part of the cursor.
 */
const RANK_SQL = "CASE status WHEN 'escalated' THEN 0 WHEN 'open' THEN 1 ELSE 2 END";

export const IncidentCursor = z.object({
  rank: z.number().int().min(0).max(2),
  opened_at: z.string(),
  id: z.string(),
});
export type IncidentCursor = z.infer<typeof IncidentCursor>;

export interface IncidentQuery {
  status?: IncidentStatus;
  before?: IncidentCursor;
  limit: number;
}

export async function listIncidents(
  db: D1Database,
  query: IncidentQuery,
): Promise<{ rows: IncidentRecord[]; next: IncidentCursor | null }> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const param = (value: string | number) => `?${params.push(value)}`;
  if (query.status) where.push(`status = ${param(query.status)}`);
  if (query.before) {
    const rank = param(query.before.rank);
    where.push(
      `(${RANK_SQL} > ${rank} OR (${RANK_SQL} = ${rank} AND (opened_at, id) < (${param(query.before.opened_at)}, ${param(query.before.id)})))`,
    );
  }
  const { results } = await db
    .prepare(
      `SELECT ${INCIDENT_COLUMNS}, ${RANK_SQL} AS rank FROM incidents
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY rank, opened_at DESC, id DESC LIMIT ${param(query.limit + 1)}`,
    )
    .bind(...params)
    .all();
  const ranked = z.array(IncidentRow.extend({ rank: z.number().int() })).parse(results);
  const page = ranked.slice(0, query.limit);
  const details = await readDetails(
    db,
    page.map((row) => row.id),
  );
  const last = page.at(-1);
  return {
    rows: page.map(({ rank: _rank, ...incident }) => ({
      incident,
      targets: details.targets.get(incident.id) ?? [],
      activity: summarizeActivity(details.rows.get(incident.id) ?? []),
    })),
    next: ranked.length > query.limit && last ? { rank: last.rank, opened_at: last.opened_at, id: last.id } : null,
  };
}

export interface IncidentDetail extends IncidentRecord {
  /** Every wake's investigation (the opening one and each follow-up), in claim order. */
  investigations: InvestigationRow[];
}

/** One incident with everything the operator view shows of it, or null when there is none. */
export async function getIncident(db: D1Database, id: string): Promise<IncidentDetail | null> {
  const ids = JSON.stringify([id]);
  const [incident, targets, rows, investigations] = await db.batch([
    db.prepare(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?1`).bind(id),
    targetsStatement(db, ids),
    activityStatement(db, ids),
    db
      .prepare(
        `SELECT ${INVESTIGATION_COLUMNS} FROM investigations WHERE wake_id IN (
           SELECT json_extract(details, '$.wake_id') FROM audit_events
           WHERE caller_session_id = ?1 AND seam = 'probe.wake_requested')
         ORDER BY claimed_at, wake_id`,
      )
      .bind(id),
  ]);
  const row = incident?.results[0];
  if (!row) return null;
  return {
    incident: IncidentRow.parse(row),
    targets: z.array(IncidentTarget).parse(targets?.results ?? []),
    activity: summarizeActivity(z.array(StoredAuditRow).parse(rows?.results ?? [])),
    investigations: z.array(InvestigationRow).parse(investigations?.results ?? []),
  };
}

/** Targets and activity rows of a page of incidents, in one batch (one seek per incident each). */
async function readDetails(db: D1Database, ids: string[]) {
  const targets = new Map<string, IncidentTarget[]>();
  const rows = new Map<string, StoredAuditRow[]>();
  if (ids.length === 0) return { targets, rows };
  const json = JSON.stringify(ids);
  const [targetResults, rowResults] = await db.batch([targetsStatement(db, json), activityStatement(db, json)]);
  for (const target of z.array(IncidentTarget).parse(targetResults?.results ?? [])) {
    targets.set(target.incident_id, [...(targets.get(target.incident_id) ?? []), target]);
  }
  for (const row of z.array(StoredAuditRow).parse(rowResults?.results ?? [])) {
    rows.set(row.caller_session_id, [...(rows.get(row.caller_session_id) ?? []), row]);
  }
  return { targets, rows };
}

function targetsStatement(db: D1Database, idsJson: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT incident_id, probe, target, fly_app FROM incident_targets
       WHERE incident_id IN (SELECT value FROM json_each(?1)) ORDER BY incident_id, target`,
    )
    .bind(idsJson);
}

function activityStatement(db: D1Database, idsJson: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events
       WHERE caller_session_id IN (SELECT value FROM json_each(?1))
         AND seam IN (?2, ?3, ?4)
       ORDER BY emitted_at, seq`,
    )
    .bind(idsJson, ...ACTIVITY_SEAMS);
}
