import { Hono } from "hono";
import { z } from "zod";
import { readSessionTimeline, TimelineCursor, type TimelineEntry } from "../audit/timeline";
import type { AppEnv } from "./app-env";
import { cursorParam, encodeCursor, limitParam } from "./cursor";
import { HttpError, parseOr400 } from "./errors";

export const CallerSessionId = z.string().min(1).max(200, { error: "must be at most 200 characters" });

const TimelineQuery = z.strictObject({
  limit: limitParam(200, 500),
  cursor: cursorParam(TimelineCursor).optional(),
});

/** `GET /api/sessions/:caller_session_id/timeline`: one incident, in time order, DM log included. */
export const sessionRoutes = new Hono<AppEnv>().get("/:caller_session_id/timeline", async (c) => {
  const callerSessionId = parseOr400(z.object({ caller_session_id: CallerSessionId }), c.req.param()).caller_session_id;
  const query = parseOr400(TimelineQuery, c.req.query());
  const timeline = await readSessionTimeline(c.env.DB, callerSessionId, { after: query.cursor, limit: query.limit });
  if (!query.cursor && timeline.entries.length === 0 && !timeline.investigation) {
    throw new HttpError(
      404,
      "not_found",
      `no audit rows, DMs or investigation for caller_session_id ${callerSessionId}`,
    );
  }
  return c.json({
    caller_session_id: timeline.caller_session_id,
    investigation: timeline.investigation,
    entries: timeline.entries.map(toApiEntry),
    next_cursor: timeline.next ? encodeCursor(timeline.next) : null,
  });
});

/**
 * Entries are flat: `kind` says which stream, the rest is the row. A DM row's own `kind` column
 * (investigation, engine_fallback, …) is given as `dm_kind` so it cannot clash.
 */
export function toApiEntry(entry: TimelineEntry) {
  if (entry.kind === "audit") return { kind: "audit" as const, at: entry.at, ...entry.row };
  const { kind: dmKind, ...row } = entry.row;
  return { kind: "dm" as const, at: entry.at, ...row, dm_kind: dmKind };
}
