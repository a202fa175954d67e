import type { z } from "zod";

/** Why a provider call told us nothing about the target: always a probe `error`, never `unhealthy`. */
export type CallFailure =
  | { kind: "timeout"; message: string }
  | { kind: "unreachable"; message: string }
  | { kind: "http"; status: number; message: string }
  | { kind: "bad_response"; message: string };

export type CallOutcome<T> = { ok: true; data: T } | { ok: false; status?: number; failure: CallFailure };

const MAX_ERROR_TEXT = 200;

/**
 * GETs a provider endpoint and parses the JSON answer with `schema`. A non-2xx is a failure
 * carrying its status, so a caller for whom one status is an answer about the target (Doppler's
 * 404 for a deleted config) can tell it apart.
 */
export async function getJson<T>(
  fetcher: typeof fetch,
  url: URL,
  headers: Record<string, string>,
  schema: z.ZodType<T>,
): Promise<CallOutcome<T>> {
  let response: Response;
  try {
    response = await fetcher(url, { headers: { accept: "application/json", ...headers } });
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      return { ok: false, failure: { kind: "timeout", message: error.message } };
    }
    return { ok: false, failure: { kind: "unreachable", message: describe(error) } };
  }
  const text = await response.text();
  if (!response.ok) {
    return {
      ok: false,
      status: response.status,
      failure: { kind: "http", status: response.status, message: providerMessage(text) },
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, failure: { kind: "bad_response", message: "answer is not JSON" } };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      failure: {
        kind: "bad_response",
        message: `unexpected answer at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
      },
    };
  }
  return { ok: true, data: parsed.data };
}

/** Joins a base URL (which may carry a path prefix, as the fake world's do) and a path. */
export function endpoint(base: string, path: string): URL {
  return new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`);
}

/** One line an operator can read about a failed call, without the provider's whole body. */
export function describeFailure(failure: CallFailure): string {
  switch (failure.kind) {
    case "timeout":
      return `timed out: ${failure.message}`;
    case "unreachable":
      return `unreachable: ${failure.message}`;
    case "http":
      return `HTTP ${failure.status}${failure.message ? `: ${failure.message}` : ""}`;
    case "bad_response":
      return failure.message;
  }
}

/**
 * Providers name the problem in different fields (`error`, `message`, `detail`, `messages`,
 * `error.message`); take the first that is there, else the start of the body.
 */
function providerMessage(text: string): string {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === "object") {
      const record = body as Record<string, unknown>;
      const nested =
        record.error && typeof record.error === "object"
          ? (record.error as Record<string, unknown>).message
          : undefined;
      const candidates = [
        record.message,
        nested,
        record.error,
        record.detail,
        Array.isArray(record.messages) ? record.messages.join("; ") : undefined,
      ];
      const found = candidates.find((value): value is string => typeof value === "string" && value.length > 0);
      if (found) return found.slice(0, MAX_ERROR_TEXT);
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.trim().slice(0, MAX_ERROR_TEXT);
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_TEXT);
}
