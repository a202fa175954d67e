import type { WakeMessage } from "../contracts";
import { getIncident, type Incident, insertIncidentStatements } from "../incidents";

/**
 * The incident a wake belongs to. The probe cycle opens it before sending the wake; a message
 * from an older deploy (v1) or sent by hand has none yet, and gets it here from its own fields,
 * so every wake is followed the same way.
 */
export async function incidentOfWake(db: D1Database, wake: WakeMessage): Promise<Incident> {
  const existing = await getIncident(db, wake.caller_session_id);
  if (existing) return existing;
  const starts = wake.targets.flatMap((t) => t.unhealthy_since ?? []);
  await db.batch(
    insertIncidentStatements(db, {
      id: wake.caller_session_id,
      probe: wake.probe,
      opened_at: wake.observed_at,
      first_unhealthy_at: starts.length > 0 ? starts.reduce((a, b) => (a < b ? a : b)) : wake.observed_at,
      targets: wake.targets.map((t) => ({ target: t.target, fly_app: t.fly_app ?? null })),
    }),
  );
  const created = await getIncident(db, wake.caller_session_id);
  if (!created) throw new Error(`incident ${wake.caller_session_id} was not stored`);
  return created;
}
