import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { HttpError } from "../errors";
import { checkSession, issueSession, SESSION_COOKIE } from "./session";

/** The console's guard: a valid session cookie, else a redirect to the login page. */
export const requireConsoleSession = createMiddleware<AppEnv>(async (c, next) => {
  const token = operatorTokenOr503(c);
  const check = await checkSession(getCookie(c, SESSION_COOKIE), token, new Date());
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
  const session = await issueSession(token, new Date());
  setCookie(c, SESSION_COOKIE, session.value, {
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    path: "/",
    maxAge: session.maxAgeSeconds,
  });
}

export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Strict" });
}

/** Only a path on this site: `//evil.example` or `https://…` would make login an open redirect. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : "/";
}
