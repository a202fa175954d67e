import { Hono } from "hono";
import { z } from "zod";
import { dayOf, ExportDate } from "../export";
import { exportAuditDay } from "../export";
import type { AppEnv } from "./app-env";
import { parseOr400 } from "./errors";

/** A day that has started: exporting a future day would only write empty files. */
export function exportDateParam(now: Date) {
  return ExportDate.refine((date) => date <= dayOf(now), { error: "must not be in the future (UTC)" });
}

/** `POST /api/audit/export?date=YYYY-MM-DD`: export one day now; answers keys, counts, hashes. */
export const exportRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const now = new Date();
  const { date } = parseOr400(z.strictObject({ date: exportDateParam(now) }), c.req.query());
  const result = await exportAuditDay(c.env, date, { source: "operator", now });
  return c.json(result);
});
