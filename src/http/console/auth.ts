import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { HttpError } from "../errors";
import { checkSession, endSession as endStoredSession, issueSession, SESSION_COOKIE } from "./session";

/** The console's guard: a live session cookie, else a redirect to the login page. */
export const requireConsoleSession = createMiddleware<AppEnv>(async (c, next) => {
  const token = operatorTokenOr503(c);
  const check = await checkSession(c.env.DB, getCookie(c, SESSION_COOKIE), token, new Date());
  if (!check.ok) {
    const url = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  }
  await next();
});

/** Fails closed like the API: no token configured, no console. */
export function operatorTokenOr503(c: Context<AppEnv>): string {
  const token = c.get("config").KORA_OPERATOR_TOKEN;
  if (!token) {
    throw new HttpError(
      503,
      "operator_token_unset",
      "KORA_OPERATOR_TOKEN is not configured; set it with `wrangler secret put KORA_OPERATOR_TOKEN`",
    );
  }
  return token;
}

export async function startSession(c: Context<AppEnv>, token: string): Promise<void> {
  const session = await issueSession(c.env.DB, token, new Date());
  setCookie(c, SESSION_COOKIE, session.value, {
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    path: "/",
    maxAge: session.maxAgeSeconds,
  });
}

/** Ends the session server-side (its row goes) and clears the cookie in this browser. */
export async function endSession(c: Context<AppEnv>, token: string): Promise<void> {
  await endStoredSession(c.env.DB, getCookie(c, SESSION_COOKIE), token, new Date());
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Strict" });
}

/**
 * Where to go after login: `next` resolved the way a browser will resolve the Location header,
 * against the console's own origin, and reduced to its path and query. A pattern check on the
 * raw text misses what URL parsing forgives (`/\t/evil.example` loses its tab and becomes
 * `//evil.example`; `/\evil.example` is `//evil.example` too), so the check is on the parsed
 * URL: another origin → `/`. A path that parses as `//…` (from `/.//evil.example`) would be
 * read as another host again, so its leading slashes collapse to one.
 */
export function safeNext(next: string | undefined, consoleOrigin: string): string {
  if (!next) return "/";
  let url: URL;
  try {
    url = new URL(next, consoleOrigin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(consoleOrigin).origin) return "/";
  return `${url.pathname.replace(/^\/+/, "/")}${url.search}`;
}
