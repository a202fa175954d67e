import { Hono } from "hono";
import { z } from "zod";
import { IncidentCursor, IncidentStatus } from "../audit/incidents";
import type { AppEnv } from "./app-env";
import { cursorParam, encodeCursor, limitParam } from "./cursor";
import { HttpError, parseOr400 } from "./errors";
import { incidentDetailJson, incidentJson } from "./incident-json";
import { readIncident, readIncidentPage } from "./incident-reads";
import { CallerSessionId } from "./session-routes";

export const IncidentListQuery = z.strictObject({
  status: IncidentStatus.optional(),
  limit: limitParam(50, 200),
  cursor: cursorParam(IncidentCursor).optional(),
});

/**
 * `GET /api/incidents?status=&limit=&cursor=`: escalated, then open, then resolved, newest
 * first within each. `GET /api/incidents/:incident_id`: one incident with its wakes'
 * investigations; its every row is at `/api/sessions/:incident_id/timeline`.
 */
export const incidentRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const query = parseOr400(IncidentListQuery, c.req.query());
    const now = new Date();
    const page = await readIncidentPage(
      c.env.DB,
      { status: query.status, before: query.cursor, limit: query.limit },
      now,
    );
    return c.json({
      incidents: page.rows.map(({ record, life }) => incidentJson(record, life, now)),
      next_cursor: page.next ? encodeCursor(page.next) : null,
    });
  })
  .get("/:incident_id", async (c) => {
    const { incident_id } = parseOr400(z.object({ incident_id: CallerSessionId }), c.req.param());
    const now = new Date();
    const found = await readIncident(c.env.DB, incident_id, now);
    if (!found) throw new HttpError(404, "not_found", `no incident ${incident_id}`);
    return c.json(incidentDetailJson(found.record, found.life, now));
  });
