import type { z } from "zod";
import type { Config } from "../config";
import { FlyErrorBody, Machine, MachineLease, MachineList, StartMachineResponse, WaitMachineResponse } from "./machine";

/**
 * A typed Fly Machines client (docs/provider-apis.md §1). Every call has a timeout and every failure
 * comes back as a tagged value, never a throw, so the probe, the tools and the autofix executor
 * each decide what a failure means for them with an exhaustive `switch`.
 */

export type FlyErrorKind =
  | "not_configured"
  | "not_found"
  | "rate_limited"
  | "unavailable"
  | "timeout"
  | "unauthorized"
  | "conflict"
  | "precondition_failed"
  | "bad_response";

export interface FlyError {
  kind: FlyErrorKind;
  /** Safe to show an operator: the method, path, status and Fly's own error text, never a token. */
  message: string;
  status?: number;
  retry_after_seconds?: number;
}

export type FlyResult<T> = { ok: true; value: T } | { ok: false; error: FlyError };

export type WaitState = "started" | "stopped" | "suspended" | "destroyed" | "failed" | "settled";

export interface FlyClientOptions {
  /** Per-request bound (ms). `waitForState` adds its own server-side timeout on top. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface FlyClient {
  listMachines(app: string): Promise<FlyResult<Machine[]>>;
  /** One machine with its `checks` and `events` (newest first). */
  getMachine(app: string, id: string): Promise<FlyResult<Machine>>;
  startMachine(app: string, id: string, lease?: { nonce: string }): Promise<FlyResult<StartMachineResponse>>;
  restartMachine(app: string, id: string, lease?: { nonce: string }): Promise<FlyResult<void>>;
  /** Blocks server-side until the machine reaches `state`; `timeout` on 408 (at most 60 s per call). */
  waitForState(
    app: string,
    id: string,
    options: { state: WaitState; timeout_seconds: number },
  ): Promise<FlyResult<WaitMachineResponse>>;
  /** `conflict` when someone else (a deploy) holds the lease. */
  acquireLease(
    app: string,
    id: string,
    options: { ttl_seconds: number; description: string },
  ): Promise<FlyResult<MachineLease>>;
  releaseLease(app: string, id: string, nonce: string): Promise<FlyResult<void>>;
}

export const DEFAULT_FLY_TIMEOUT_MS = 10_000;
const MAX_WAIT_SECONDS = 60;

type FlyClientConfig = Pick<Config, "KORA_FLY_API_BASE_URL" | "KORA_FLY_API_TOKEN">;

export function createFlyClient(config: FlyClientConfig, options: FlyClientOptions = {}): FlyClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FLY_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;
  const base = config.KORA_FLY_API_BASE_URL.replace(/\/+$/, "");
  const token = config.KORA_FLY_API_TOKEN;
  const machinePath = (app: string, id?: string, action?: string) =>
    `/v1/apps/${encodeURIComponent(app)}/machines` +
    (id === undefined ? "" : `/${encodeURIComponent(id)}`) +
    (action === undefined ? "" : `/${action}`);

  async function call<T>(
    method: "GET" | "POST" | "DELETE",
    path: string,
    schema: z.ZodType<T> | null,
    extra: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
  ): Promise<FlyResult<T>> {
    const what = `Fly ${method} ${path.split("?")[0] ?? path}`;
    if (!token) return fail("not_configured", `${what}: KORA_FLY_API_TOKEN is not set`);
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(extra.body === undefined ? {} : { "content-type": "application/json" }),
          ...extra.headers,
        },
        body: extra.body === undefined ? undefined : JSON.stringify(extra.body),
        signal: AbortSignal.timeout(extra.timeoutMs ?? timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
      return timedOut
        ? fail("timeout", `${what}: no answer within ${extra.timeoutMs ?? timeoutMs} ms`)
        : fail("unavailable", `${what}: network error`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      return fail("timeout", `${what}: the response body did not arrive within the timeout`);
    }
    if (!response.ok) return { ok: false, error: classifyStatus(what, response, text) };
    if (schema === null) return { ok: true, value: undefined as T };
    const parsed = schema.safeParse(parseJson(text));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(
        "bad_response",
        `${what}: unexpected response (${issue?.path.join(".") || "body"}: ${issue?.message})`,
      );
    }
    return { ok: true, value: parsed.data };
  }

  const leaseHeader = (lease?: { nonce: string }) => (lease ? { "fly-machine-lease-nonce": lease.nonce } : undefined);

  return {
    listMachines: (app) => call("GET", machinePath(app), MachineList),
    getMachine: (app, id) => call("GET", machinePath(app, id), Machine),
    startMachine: (app, id, lease) =>
      call("POST", machinePath(app, id, "start"), StartMachineResponse, { headers: leaseHeader(lease) }),
    restartMachine: (app, id, lease) =>
      call("POST", `${machinePath(app, id, "restart")}?force_stop=false`, null, { headers: leaseHeader(lease) }),
    waitForState: (app, id, { state, timeout_seconds }) => {
      const seconds = Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.ceil(timeout_seconds)));
      return call("GET", `${machinePath(app, id, "wait")}?state=${state}&timeout=${seconds}`, WaitMachineResponse, {
        timeoutMs: seconds * 1000 + timeoutMs,
      });
    },
    acquireLease: (app, id, { ttl_seconds, description }) =>
      call("POST", machinePath(app, id, "lease"), MachineLease, {
        body: { ttl: Math.max(1, Math.ceil(ttl_seconds)), description },
      }),
    releaseLease: (app, id, nonce) =>
      call("DELETE", machinePath(app, id, "lease"), null, { headers: { "fly-machine-lease-nonce": nonce } }),
  };
}

function fail(kind: FlyErrorKind, message: string): { ok: false; error: FlyError } {
  return { ok: false, error: { kind, message } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Fly's error text is untrusted data: kept short, and only ever shown as data. */
function classifyStatus(what: string, response: Response, text: string): FlyError {
  const status = response.status;
  const body = FlyErrorBody.safeParse(parseJson(text));
  const detail = (body.success ? body.data : undefined) ?? text.slice(0, 200);
  const message = `${what} answered ${status}${detail ? `: ${detail.slice(0, 200)}` : ""}`;
  const kind = kindForStatus(status);
  const retryAfter = kind === "rate_limited" ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
  return { kind, message, status, ...(retryAfter === undefined ? {} : { retry_after_seconds: retryAfter }) };
}

/** `Retry-After` is delta-seconds or an HTTP date; Fly's use of it is unconfirmed, so both. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function kindForStatus(status: number): FlyErrorKind {
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
      return status >= 500 ? "unavailable" : "bad_response";
  }
}
