import { z } from "zod";
import type { EscalationReason, ProbeName, ResolvedBy } from "../contracts";
import { INCIDENT_COLUMNS, IncidentRow, IncidentTarget, type Incident } from "./model";

/** SQL for the incident tables of migration 0002, one named function per statement. */

const TargetRow = IncidentTarget.extend({ incident_id: z.string() });

/** Incidents not yet resolved, with their targets: a handful at any time, read once per cycle. */
export async function loadActiveIncidents(db: D1Database): Promise<Map<string, Incident>> {
  const [incidents, targets] = await db.batch([
    db.prepare(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE status IN ('open', 'escalated')`),
    db.prepare(
      `SELECT t.incident_id, t.target, t.fly_app FROM incident_targets AS t
       JOIN incidents AS i ON i.id = t.incident_id WHERE i.status IN ('open', 'escalated')`,
    ),
  ]);
  return joinTargets(z.array(IncidentRow).parse(incidents?.results ?? []), targets?.results ?? []);
}

export async function getIncident(db: D1Database, id: string): Promise<Incident | null> {
  const [incidents, targets] = await db.batch([
    db.prepare(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?1`).bind(id),
    db.prepare("SELECT incident_id, target, fly_app FROM incident_targets WHERE incident_id = ?1").bind(id),
  ]);
  return joinTargets(z.array(IncidentRow).parse(incidents?.results ?? []), targets?.results ?? []).get(id) ?? null;
}

function joinTargets(rows: IncidentRow[], targetRows: unknown[]): Map<string, Incident> {
  const incidents = new Map<string, Incident>(rows.map((row) => [row.id, { ...row, targets: [] }]));
  for (const { incident_id, ...target } of z.array(TargetRow).parse(targetRows)) {
    incidents.get(incident_id)?.targets.push(target);
  }
  return incidents;
}

/** Every incident opens `open`; the consumer escalates a flapping one when it tells the operator. */
export interface NewIncident {
  id: string;
  probe: ProbeName;
  opened_at: string;
  first_unhealthy_at: string;
  targets: { target: string; fly_app: string | null }[];
}

/** Keyed on the id: a re-run of the cycle (or the consumer making sure) inserts nothing new. */
export function insertIncidentStatements(db: D1Database, incident: NewIncident): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO incidents (id, probe, status, opened_at, first_unhealthy_at, updated_at)
         VALUES (?1, ?2, 'open', ?3, ?4, ?3) ON CONFLICT (id) DO NOTHING`,
      )
      .bind(incident.id, incident.probe, incident.opened_at, incident.first_unhealthy_at),
    ...incident.targets.map((target) =>
      db
        .prepare(
          `INSERT INTO incident_targets (incident_id, probe, target, fly_app) VALUES (?1, ?2, ?3, ?4)
           ON CONFLICT (incident_id, target) DO NOTHING`,
        )
        .bind(incident.id, incident.probe, target.target, target.fly_app),
    ),
  ];
}

/**
 * Takes back an incident whose opening wake could not be sent: nobody was told about it, so it
 * is as if it never opened and the next cycle opens it again.
 */
export function deleteUnsentIncidentStatements(db: D1Database, id: string): D1PreparedStatement[] {
  const unsent = "SELECT 1 FROM incidents WHERE id = ?1 AND root_dm_ts IS NULL";
  return [
    db.prepare(`DELETE FROM incident_targets WHERE incident_id = ?1 AND EXISTS (${unsent})`).bind(id),
    db.prepare("DELETE FROM incidents WHERE id = ?1 AND root_dm_ts IS NULL").bind(id),
  ];
}

/** The first DM delivered for the incident becomes its root: later ones reply in its thread. */
export async function setRootDm(
  db: D1Database,
  id: string,
  dm: { channel: string; ts: string; operator_asked: boolean },
  at: string,
): Promise<void> {
  await db
    .prepare(
      `UPDATE incidents SET root_dm_channel = ?2, root_dm_ts = ?3, updated_at = ?5,
         operator_asked = MAX(operator_asked, ?4)
       WHERE id = ?1 AND root_dm_ts IS NULL`,
    )
    .bind(id, dm.channel, dm.ts, dm.operator_asked ? 1 : 0, at)
    .run();
}

export async function markOperatorAsked(db: D1Database, id: string, at: string): Promise<void> {
  await db
    .prepare("UPDATE incidents SET operator_asked = 1, updated_at = ?2 WHERE id = ?1 AND operator_asked = 0")
    .bind(id, at)
    .run();
}

/**
 * Escalates an open incident, or re-opens a resolved one as escalated (a re-failure within the
 * cool-down, DESIGN §11). Each statement decides on its own, so of two deliveries of the same
 * follow-up only one sees `escalated: true`; an incident already escalated stays as it was.
 */
export async function escalateIncident(
  db: D1Database,
  id: string,
  reason: EscalationReason,
  at: string,
): Promise<{ escalated: boolean; reopened: boolean }> {
  const escalate = (from: "open" | "resolved") =>
    db
      .prepare(
        `UPDATE incidents SET status = 'escalated', escalated_at = ?3, escalation_reason = ?2, updated_at = ?3,
           recovered_at = NULL, resolved_at = NULL, resolved_by = NULL
         WHERE id = ?1 AND status = ?4`,
      )
      .bind(id, reason, at, from)
      .run();
  if ((await escalate("resolved")).meta.changes > 0) return { escalated: true, reopened: true };
  return { escalated: (await escalate("open")).meta.changes > 0, reopened: false };
}

/** Counts of fix attempts that reached the provider in the incident (`incidents.fixes`). */
export const FIXES_SUBQUERY = `(SELECT COUNT(*) FROM audit_events AS a
   WHERE a.caller_session_id = incidents.id AND a.seam = 'tool.probe_autofix_attempted'
     AND json_extract(a.details, '$.status') = 'attempted')`;

/**
 * Brings `fixes` up to date for every incident still open. Writes only an incident whose count
 * moved (an operator's approved fix lands in the audit log, not here), so a quiet cycle writes nothing.
 */
export function refreshFixesStatement(db: D1Database): D1PreparedStatement {
  return db.prepare(
    `UPDATE incidents SET fixes = ${FIXES_SUBQUERY}
     WHERE status IN ('open', 'escalated') AND fixes != ${FIXES_SUBQUERY}`,
  );
}

export async function refreshFixes(db: D1Database, id: string): Promise<number> {
  const row = await db
    .prepare(`UPDATE incidents SET fixes = ${FIXES_SUBQUERY} WHERE id = ?1 RETURNING fixes`)
    .bind(id)
    .first();
  return z.object({ fixes: z.number().int() }).nullable().parse(row)?.fixes ?? 0;
}

/**
 * Marks the incident resolved, once: a re-fired minute or an overlapping cycle finds it resolved
 * already and changes nothing. Returns whether this call resolved it.
 */
export async function claimResolution(
  db: D1Database,
  resolution: { id: string; recovered_at: string; resolved_at: string; resolved_by: ResolvedBy; fixes: number },
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE incidents SET status = 'resolved', recovered_at = ?2, resolved_at = ?3, resolved_by = ?4,
         fixes = ?5, updated_at = ?3
       WHERE id = ?1 AND status IN ('open', 'escalated')`,
    )
    .bind(resolution.id, resolution.recovered_at, resolution.resolved_at, resolution.resolved_by, resolution.fixes)
    .run();
  return result.meta.changes > 0;
}
