import { createMiddleware } from "hono/factory";
import { constantTimeEqual } from "../contracts";
import type { AppEnv } from "./app-env";
import { HttpError } from "./errors";

/**
 * Guards the operator routes. Fails closed: with no KORA_OPERATOR_TOKEN configured nothing is
 * served (503), so a forgotten secret never leaves the audit trail open.
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
  const presented = bearerToken(c.req.header("authorization"));
  if (!presented || !(await constantTimeEqual(presented, expected))) {
    throw new HttpError(401, "unauthorized", "missing or wrong operator token", {
      "WWW-Authenticate": 'Bearer realm="kora"',
    });
  }
  await next();
});

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return match?.[1]?.trim() || undefined;
}
