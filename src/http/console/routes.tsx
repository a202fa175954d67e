import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { dayOf } from "../../export";
import { exportAuditDay } from "../../export";
import { IncidentCursor, IncidentStatus } from "../../audit/incidents";
import { InvestigationCursor, listInvestigations } from "../../audit/investigations";
import { readSessionTimeline, TimelineCursor } from "../../audit/timeline";
import { ConfigError } from "../../config";
import { constantTimeEqual, DmStatus } from "../../contracts";
import type { AppEnv } from "../app-env";
import { cursorParam, encodeCursor } from "../cursor";
import { HttpError, parseOr400 } from "../errors";
import { exportDateParam } from "../export-routes";
import { readIncident, readIncidentPage } from "../incident-reads";
import { CallerSessionId } from "../session-routes";
import { endSession, operatorTokenOr503, requireConsoleSession, safeNext, startSession } from "./auth";
import { changeFromConsole, showAutonomyPage } from "./autonomy-handlers";
import { EXPORT_FILE_KEY, listExportedDays, readDayManifest } from "./exports-data";
import { ExportsPage } from "./exports-page";
import { IncidentPage } from "./incident-page";
import { IncidentsPage } from "./incidents-page";
import { InvestigationsPage } from "./investigations-page";
import { ErrorPage } from "./layout";
import { countLoginAttempt, forgetLoginAttempts, loginClientKey } from "../login-limit";
import { LoginPage } from "./login-page";
import { readStatusView } from "./status-data";
import { StatusPage } from "./status-page";
import { TimelinePage } from "./timeline-page";

/**
 * The operator console (DESIGN §8 `GET /`). Every page is server-rendered; the only "client code"
 * is HTML forms. Audit details are untrusted, so nothing is written raw into the page, and the
 * CSP forbids scripts outright in case something ever is.
 */
const pageHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  c.header("Cache-Control", "no-store");
});
const sameOrigin = csrf();
const smallForm = bodyLimit({
  maxSize: 8 * 1024,
  onError: () => {
    throw new HttpError(413, "payload_too_large", "form is larger than 8 KiB");
  },
});
const guarded = [pageHeaders, requireConsoleSession] as const;

export const consoleRoutes = new Hono<AppEnv>();

consoleRoutes.onError((error, c) => {
  const [status, message] = describeError(error);
  return c.html(<ErrorPage status={status} message={message} />, status);
});

consoleRoutes.get("/login", pageHeaders, (c) => {
  operatorTokenOr503(c);
  return c.html(<LoginPage next={safeNext(c.req.query("next"), new URL(c.req.url).origin)} />);
});

const LoginForm = z.object({ token: z.string().max(1_000).default(""), next: z.string().max(2_000).optional() });

consoleRoutes.post("/login", pageHeaders, sameOrigin, smallForm, async (c) => {
  const expected = operatorTokenOr503(c);
  const form = parseOr400(LoginForm, await c.req.parseBody());
  const next = safeNext(form.next, new URL(c.req.url).origin);
  // Counted before the token is looked at: past the limit not even the right token gets in.
  const client = loginClientKey(c.req.raw.headers);
  const allowance = await countLoginAttempt(c.env.DB, client, new Date());
  if (!allowance.allowed) {
    const message = `Too many login attempts from this address. Try again in ${allowance.retry_after_seconds} seconds.`;
    return c.html(<ErrorPage status={429} message={message} />, 429, {
      "Retry-After": String(allowance.retry_after_seconds),
    });
  }
  if (!form.token || !(await constantTimeEqual(form.token.trim(), expected))) {
    return c.html(<LoginPage next={next} failed />, 401);
  }
  await forgetLoginAttempts(c.env.DB, client);
  await startSession(c, expected);
  return c.redirect(next, 303);
});

consoleRoutes.post("/logout", pageHeaders, sameOrigin, async (c) => {
  await endSession(c, operatorTokenOr503(c));
  return c.redirect("/login", 303);
});

const IncidentsQuery = z.strictObject({
  status: IncidentStatus.optional(),
  cursor: cursorParam(IncidentCursor).optional(),
});

consoleRoutes.get("/", ...guarded, async (c) => {
  // The home page listed investigations before incidents: keep old links working.
  if (c.req.query("dm_status") !== undefined) {
    return c.redirect(`/investigations?${new URL(c.req.url).searchParams.toString()}`, 301);
  }
  const query = parseOr400(IncidentsQuery, c.req.query());
  const now = new Date();
  const page = await readIncidentPage(c.env.DB, { status: query.status, before: query.cursor, limit: 25 }, now);
  return c.html(
    <IncidentsPage
      status={query.status}
      rows={page.rows}
      next_cursor={page.next ? encodeCursor(page.next) : null}
      now={now}
    />,
  );
});

consoleRoutes.get("/incidents/:incident_id", ...guarded, async (c) => {
  const { incident_id } = parseOr400(z.object({ incident_id: CallerSessionId }), c.req.param());
  const query = parseOr400(z.strictObject({ cursor: cursorParam(TimelineCursor).optional() }), c.req.query());
  const now = new Date();
  const [found, timeline] = await Promise.all([
    readIncident(c.env.DB, incident_id, now),
    readSessionTimeline(c.env.DB, incident_id, { after: query.cursor, limit: 200 }),
  ]);
  if (!found) throw new HttpError(404, "not_found", `no incident ${incident_id}`);
  return c.html(
    <IncidentPage
      detail={found.record}
      life={found.life}
      timeline={timeline}
      next_cursor={timeline.next ? encodeCursor(timeline.next) : null}
      first_page={!query.cursor}
      now={now}
    />,
  );
});

const InvestigationsQuery = z.strictObject({
  dm_status: DmStatus.optional(),
  cursor: cursorParam(InvestigationCursor).optional(),
});

consoleRoutes.get("/investigations", ...guarded, async (c) => {
  const query = parseOr400(InvestigationsQuery, c.req.query());
  const page = await listInvestigations(c.env.DB, { dm_status: query.dm_status, before: query.cursor, limit: 25 });
  return c.html(
    <InvestigationsPage
      dm_status={query.dm_status}
      rows={page.rows}
      next_cursor={page.next ? encodeCursor(page.next) : null}
    />,
  );
});

consoleRoutes.get("/sessions/:caller_session_id", ...guarded, async (c) => {
  const { caller_session_id } = parseOr400(z.object({ caller_session_id: CallerSessionId }), c.req.param());
  const query = parseOr400(z.strictObject({ cursor: cursorParam(TimelineCursor).optional() }), c.req.query());
  const timeline = await readSessionTimeline(c.env.DB, caller_session_id, { after: query.cursor, limit: 200 });
  if (!query.cursor && timeline.entries.length === 0 && !timeline.investigation) {
    throw new HttpError(404, "not_found", `nothing recorded for caller_session_id ${caller_session_id}`);
  }
  const next = timeline.next ? encodeCursor(timeline.next) : null;
  return c.html(<TimelinePage timeline={timeline} next_cursor={next} first_page={!query.cursor} />);
});

consoleRoutes.get("/status", ...guarded, async (c) => {
  const view = await readStatusView(c.env.DB, new Date());
  return c.html(<StatusPage {...view} env={c.env} />);
});

consoleRoutes.get("/exports", ...guarded, async (c) => {
  const now = new Date();
  const query = parseOr400(z.strictObject({ date: exportDateParam(now).optional() }), c.req.query());
  const [days, manifest] = await Promise.all([
    listExportedDays(c.env.AUDIT_BUCKET, 60),
    query.date ? readDayManifest(c.env.AUDIT_BUCKET, query.date) : Promise.resolve(null),
  ]);
  const selected = query.date ? { date: query.date, manifest } : null;
  return c.html(<ExportsPage today={dayOf(now)} days={days} selected={selected} />);
});

consoleRoutes.post("/exports", ...guarded, sameOrigin, smallForm, async (c) => {
  const now = new Date();
  const form = parseOr400(z.object({ date: exportDateParam(now) }), await c.req.parseBody());
  await exportAuditDay(c.env, form.date, { source: "operator", now });
  return c.redirect(`/exports?date=${form.date}`, 303);
});

consoleRoutes.get("/exports/file", ...guarded, async (c) => {
  const { key } = parseOr400(
    z.strictObject({ key: z.string().regex(EXPORT_FILE_KEY, { error: "must name a file of an export" }) }),
    c.req.query(),
  );
  const object = await c.env.AUDIT_BUCKET.get(key);
  if (!object) throw new HttpError(404, "not_found", `no exported file at ${key}`);
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("etag", object.httpEtag);
  headers.set("content-length", String(object.size));
  // Untrusted rows: never let a browser render them as a page.
  headers.set("content-disposition", `attachment; filename="${key.replaceAll("/", "_")}"`);
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(object.body, { headers });
});

consoleRoutes.get("/autonomy", ...guarded, showAutonomyPage);
consoleRoutes.post("/autonomy/pause", ...guarded, sameOrigin, smallForm, (c) => changeFromConsole(c, true));
consoleRoutes.post("/autonomy/resume", ...guarded, sameOrigin, smallForm, (c) => changeFromConsole(c, false));

function describeError(error: Error): [ContentfulStatusCode, string] {
  if (error instanceof HttpError) return [error.status, error.message];
  if (error instanceof HTTPException) return [error.status as ContentfulStatusCode, error.message || "bad request"];
  if (error instanceof ConfigError) return [503, error.message];
  console.error(JSON.stringify({ kora_error: `${error.name}: ${error.message}` }));
  return [500, "internal error; see the Worker logs"];
}
