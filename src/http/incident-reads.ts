import {
  getIncident,
  listIncidents,
  type IncidentDetail,
  type IncidentQuery,
  type IncidentRecord,
} from "../audit/incidents";
import { getTransitionsInWindow } from "../probes";
import { buildIncidentLife, laneKeys, lifeWindow, type IncidentLife } from "./incident-life";

/**
 * Incidents with their lives drawn, for the API and the console alike. The transitions of every
 * lane on the page are read in one statement over the page's widest window.
 */
export async function readIncidentPage(db: D1Database, query: IncidentQuery, now: Date) {
  const page = await listIncidents(db, query);
  return { rows: await withLives(db, page.rows, now), next: page.next };
}

export async function readIncident(
  db: D1Database,
  id: string,
  now: Date,
): Promise<{ record: IncidentDetail; life: IncidentLife } | null> {
  const detail = await getIncident(db, id);
  if (!detail) return null;
  const [withLife] = await withLives(db, [detail], now);
  return withLife ? { record: detail, life: withLife.life } : null;
}

async function withLives<R extends IncidentRecord>(
  db: D1Database,
  records: R[],
  now: Date,
): Promise<{ record: R; life: IncidentLife }[]> {
  if (records.length === 0) return [];
  const windows = records.map((record) => lifeWindow(record.incident, now));
  const transitions = await getTransitionsInWindow(db, records.flatMap(laneKeys), {
    from: new Date(Math.min(...windows.map((window) => window.from))),
    to: new Date(Math.max(...windows.map((window) => window.to))),
  });
  return records.map((record) => ({ record, life: buildIncidentLife(record, transitions, now) }));
}
