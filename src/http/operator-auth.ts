import { createMiddleware } from "hono/factory";
import { constantTimeEqual } from "../contracts";
import type { AppEnv } from "./app-env";
import { HttpError } from "./errors";
import { countLoginAttempt, loginClientKey, readLoginLockout, type LoginAllowance } from "./login-limit";

/**
 * Guards the operator routes. Fails closed: with no KORA_OPERATOR_TOKEN configured nothing is
 * served (503), so a forgotten secret never leaves the audit trail open. A wrong token counts
 * against the client's login budget (http/login-limit.ts), shared with the console login.
 */
export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.get("config").KORA_OPERATOR_TOKEN;
  if (!expected) {
    throw new HttpError(
      503,
      "operator_token_unset",
      "KORA_OPERATOR_TOKEN is not configured; set it with `wrangler secret put KORA_OPERATOR_TOKEN`",
    );
  }
  const client = loginClientKey(c.req.raw.headers);
  const presented = bearerToken(c.req.header("authorization"));
  if (!presented || !(await constantTimeEqual(presented, expected))) {
    // A request with no token at all is not a guess (a health check, a misconfigured script).
    if (presented) refuseIfLimited(await countLoginAttempt(c.env.DB, client, new Date()));
    throw new HttpError(401, "unauthorized", "missing or wrong operator token", {
      "WWW-Authenticate": 'Bearer realm="kora"',
    });
  }
  refuseIfLimited(await readLoginLockout(c.env.DB, client, new Date()));
  await next();
});

function refuseIfLimited(allowance: LoginAllowance): void {
  if (allowance.allowed) return;
  throw new HttpError(
    429,
    "too_many_attempts",
    `too many wrong operator tokens from this address; try again in ${allowance.retry_after_seconds} seconds`,
    { "Retry-After": String(allowance.retry_after_seconds) },
  );
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return match?.[1]?.trim() || undefined;
}
