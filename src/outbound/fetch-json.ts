import type { z } from "zod";
import { redactThenClip } from "../audit/redact";
import { describeZodError, err, ok, type Result } from "../contracts";

/**
 * The one way Kora calls an outside API (the Fly client and every probe): fetch with a timeout,
 * read the whole body, classify the status, parse the JSON with a zod schema. Failures come
 * back as values in one vocabulary, so each caller decides what a failure means for it with an
 * exhaustive `switch`; a provider's own error text is kept short and treated as data.
 *
 * A provider that echoes the request's credential in its error (some do, on a 401) must not hand
 * it to Kora's rows, DMs or prompts: the bearer token sent and the caller's `secrets` are
 * redacted from every message *before* it is clipped, so a token straddling the cut cannot
 * survive as a prefix.
 */

export type CallErrorKind =
  | "not_configured"
  | "timeout"
  | "unreachable"
  | "unauthorized"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "rate_limited"
  | "unavailable"
  | "rejected"
  | "bad_response";

export interface CallError {
  kind: CallErrorKind;
  /** Safe to show an operator: what was called, the status and the provider's own words, never a token. */
  message: string;
  status?: number;
  /** The provider's error text alone (no call, no status), for callers that word it themselves. */
  provider_message?: string;
  retry_after_seconds?: number;
}

export type CallResult<T> = Result<T, CallError>;

export interface JsonCall {
  url: URL | string;
  method?: "GET" | "POST" | "DELETE";
  headers?: Record<string, string>;
  body?: unknown;
  /**
   * Bound on the whole call. Leave it out only when `fetch` enforces its own (the probes' pooled
   * fetch starts each call's clock when it gets a connection, not while it queues for one).
   */
  timeoutMs?: number;
  /** How the call is named in messages, e.g. `Fly GET /v1/apps/web/machines`. */
  what: string;
  fetch?: typeof fetch;
  /**
   * Values that must never appear in a failure's text, beyond the bearer token of `headers`
   * (always redacted): e.g. every configured secret (`secretValues(env)`).
   */
  secrets?: readonly string[];
}

const MAX_PROVIDER_TEXT = 200;
/** The call's name, its status and the provider's text. */
const MAX_MESSAGE = 400;

/** `schema: null` for calls whose answer carries nothing Kora reads (200 is enough). */
export async function fetchJson<T>(call: JsonCall, schema: z.ZodType<T> | null): Promise<CallResult<T>> {
  const secrets = callSecrets(call);
  const failure = (kind: CallErrorKind, message: string) =>
    err<CallError>({ kind, message: redactThenClip(message, secrets, MAX_MESSAGE) });
  const send = call.fetch ?? fetch;
  let response: Response;
  try {
    response = await send(call.url, {
      method: call.method ?? "GET",
      headers: {
        accept: "application/json",
        ...(call.body === undefined ? {} : { "content-type": "application/json" }),
        ...call.headers,
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      ...(call.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(call.timeoutMs) }),
    });
  } catch (error) {
    if (!isTimeout(error)) return failure("unreachable", `${call.what}: network error`);
    const bound =
      call.timeoutMs === undefined ? (error as DOMException).message : `no answer within ${call.timeoutMs} ms`;
    return failure("timeout", `${call.what}: ${bound}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    return failure("timeout", `${call.what}: the response body did not arrive within the timeout`);
  }
  if (!response.ok) return err(classifyStatus(call.what, response, text, secrets));
  if (schema === null) return ok(undefined as T);
  const parsed = schema.safeParse(parseJson(text));
  if (!parsed.success) {
    return failure(
      "bad_response",
      `${call.what}: unexpected response (${describeZodError(parsed.error, { root: "body", max: 1 })})`,
    );
  }
  return ok(parsed.data);
}

/** Joins a base URL (which may carry a path prefix, as the fake world's do) and a path. */
export function endpoint(base: string, path: string): URL {
  return new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`);
}

/** The credential this call sends (the scheme stripped) and the caller's own secrets. */
function callSecrets(call: JsonCall): string[] {
  const authorization = Object.entries(call.headers ?? {}).find(([name]) => name.toLowerCase() === "authorization");
  const credential = authorization?.[1].replace(/^\s*\S+\s+/, "").trim();
  return [...(credential && credential.length >= 6 ? [credential] : []), ...(call.secrets ?? [])];
}

/** A DOMException named TimeoutError (AbortSignal.timeout, and the probes' own slot timeout). */
function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function classifyStatus(what: string, response: Response, text: string, secrets: readonly string[]): CallError {
  const status = response.status;
  const provider = redactThenClip(providerMessage(text), secrets, MAX_PROVIDER_TEXT);
  const kind = kindForStatus(status);
  const retryAfter = kind === "rate_limited" ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
  return {
    kind,
    message: redactThenClip(`${what} answered ${status}${provider ? `: ${provider}` : ""}`, secrets, MAX_MESSAGE),
    status,
    provider_message: provider,
    ...(retryAfter === undefined ? {} : { retry_after_seconds: retryAfter }),
  };
}

function kindForStatus(status: number): CallErrorKind {
  switch (status) {
    case 401:
    case 403:
      return "unauthorized";
    case 404:
      return "not_found";
    case 408:
      return "timeout";
    case 409:
      return "conflict";
    case 412:
      return "precondition_failed";
    case 429:
      return "rate_limited";
    default:
      return status >= 500 ? "unavailable" : "rejected";
  }
}

/** `Retry-After` is delta-seconds or an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * Providers name the problem in different fields (`message`, `error.message`, `error`, `detail`,
 * `messages`); take the first that is there, else the body. Whole, not clipped: the caller
 * redacts before it clips.
 */
function providerMessage(text: string): string {
  const body = parseJson(text);
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const nested =
      record.error && typeof record.error === "object" ? (record.error as Record<string, unknown>).message : undefined;
    const candidates = [
      record.message,
      nested,
      record.error,
      record.detail,
      Array.isArray(record.messages) ? record.messages.join("; ") : undefined,
    ];
    const found = candidates.find((value): value is string => typeof value === "string" && value.length > 0);
    if (found) return found;
  }
  return text.trim();
}
