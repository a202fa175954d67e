import { Hono } from "hono";
import { z } from "zod";
import { listAuditEvents } from "../audit/queries";
import { Seam } from "../contracts";
import type { AppEnv } from "./app-env";
import { parseOr400 } from "./errors";

export const MAX_PAGE = 200;

const AuditListQuery = z.strictObject({
  caller_session_id: z.string().min(1).max(200).optional(),
  seam: Seam.optional(),
  since: z.iso.datetime({ offset: true, error: "must be an ISO 8601 timestamp" }).optional(),
  limit: z.coerce
    .number({ error: `must be a whole number between 1 and ${MAX_PAGE}` })
    .int({ error: `must be a whole number between 1 and ${MAX_PAGE}` })
    .min(1, { error: `must be a whole number between 1 and ${MAX_PAGE}` })
    .max(MAX_PAGE, { error: `must be a whole number between 1 and ${MAX_PAGE}` })
    .default(50),
  cursor: z.coerce.number({ error: "must be a cursor returned by a previous page" }).int().positive().optional(),
});

export const auditRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const query = parseOr400(AuditListQuery, c.req.query());
  const since = query.since ? new Date(query.since).toISOString() : undefined;
  const page = await listAuditEvents(c.env.DB, { ...query, since, before_seq: query.cursor });
  return c.json({ rows: page.rows, next_cursor: page.next_before_seq === null ? null : String(page.next_before_seq) });
});
