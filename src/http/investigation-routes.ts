import { Hono } from "hono";
import { z } from "zod";
import { InvestigationCursor, listInvestigations } from "../audit/investigations";
import type { AppEnv } from "./app-env";
import { cursorParam, encodeCursor, limitParam } from "./cursor";
import { parseOr400 } from "./errors";
import { DmStatus } from "../contracts";

export const InvestigationListQuery = z.strictObject({
  dm_status: DmStatus.optional(),
  status: z.enum(["running", "done"]).optional(),
  limit: limitParam(50, 200),
  cursor: cursorParam(InvestigationCursor).optional(),
});

/** `GET /api/investigations?dm_status=&status=&limit=&cursor=`: newest first. */
export const investigationRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const query = parseOr400(InvestigationListQuery, c.req.query());
  const page = await listInvestigations(c.env.DB, { ...query, before: query.cursor });
  return c.json({ investigations: page.rows, next_cursor: page.next ? encodeCursor(page.next) : null });
});
