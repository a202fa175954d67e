import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { ConfigError } from "../config";
import { describeZodError } from "../contracts";

/** The one error type routes throw; rendered in one place as `{ error: { code, message } }`. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: ContentfulStatusCode, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export function parseOr400<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new HttpError(400, "invalid_request", describeZodError(result.error));
  return result.data;
}

export function renderError(error: Error, c: Context): Response {
  if (error instanceof HttpError) {
    return c.json({ error: { code: error.code, message: error.message } }, error.status, error.headers);
  }
  if (error instanceof HTTPException) {
    // Hono's own (e.g. a malformed body it could not read): the client's fault, not ours.
    return c.json({ error: { code: "bad_request", message: error.message || "bad request" } }, error.status);
  }
  if (error instanceof ConfigError) {
    console.error(JSON.stringify({ kora_error: error.message }));
    return c.json({ error: { code: "misconfigured", message: error.message } }, 503);
  }
  // Unexpected: log the class and message (never the stack to the client), answer 500.
  console.error(JSON.stringify({ kora_error: `${error.name}: ${error.message}` }));
  return c.json({ error: { code: "internal", message: "internal error; see the Worker logs" } }, 500);
}
