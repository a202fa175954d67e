import type { z } from "zod";
import type { Config } from "../config";
import { err } from "../contracts";
import { fetchJson, type CallError, type CallResult } from "../outbound/fetch-json";
import { machineSchemaFor, MachineLease, MachineList, StartMachineAnswer, WaitMachineResponse } from "./machine";
import type { Machine, StartMachineResponse } from "./machine";

/**
 * A typed Fly Machines client (docs/provider-apis.md §1). Every call has a timeout and every failure
 * comes back as a tagged value (the outbound vocabulary of outbound/fetch-json.ts), never a throw,
 * so the probe, the tools and the autofix executor each decide what a failure means for them.
 */

export type FlyError = CallError;
export type FlyErrorKind = CallError["kind"];
export type FlyResult<T> = CallResult<T>;

export type WaitState = "started" | "stopped" | "suspended" | "destroyed" | "failed" | "settled";

export interface FlyClientOptions {
  /** Per-request bound (ms). `waitForState` adds its own server-side timeout on top. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface FlyClient {
  /** The app's machines; one listed without an id cannot be named and is left out. */
  listMachines(app: string): Promise<FlyResult<Machine[]>>;
  /** One machine with its `checks` and `events` (newest first); `not_found` when it is not in `app`. */
  getMachine(app: string, id: string): Promise<FlyResult<Machine>>;
  startMachine(app: string, id: string, lease?: { nonce: string }): Promise<FlyResult<StartMachineResponse>>;
  restartMachine(app: string, id: string, lease?: { nonce: string }): Promise<FlyResult<void>>;
  /** Blocks server-side until the machine reaches `state`; `timeout` on 408 (at most 60 s per call). */
  waitForState(
    app: string,
    id: string,
    options: { state: WaitState; timeout_seconds: number },
  ): Promise<FlyResult<WaitMachineResponse>>;
  /** `conflict` when someone else (a deploy) holds the lease; `not_found` when the machine is not in `app`. */
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

  function call<T>(
    method: "GET" | "POST" | "DELETE",
    path: string,
    schema: z.ZodType<T> | null,
    extra: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
  ): Promise<FlyResult<T>> {
    const what = `Fly ${method} ${path.split("?")[0] ?? path}`;
    if (!token)
      return Promise.resolve(err({ kind: "not_configured", message: `${what}: KORA_FLY_API_TOKEN is not set` }));
    return fetchJson(
      {
        url: `${base}${path}`,
        method,
        headers: { authorization: `Bearer ${token}`, ...extra.headers },
        body: extra.body,
        timeoutMs: extra.timeoutMs ?? timeoutMs,
        what,
        fetch: doFetch,
      },
      schema,
    );
  }

  const leaseHeader = (lease?: { nonce: string }) => (lease ? { "fly-machine-lease-nonce": lease.nonce } : undefined);

  return {
    listMachines: (app) => call("GET", machinePath(app), MachineList),
    getMachine: (app, id) => call("GET", machinePath(app, id), machineSchemaFor(id)),
    startMachine: (app, id, lease) =>
      call("POST", machinePath(app, id, "start"), StartMachineAnswer, { headers: leaseHeader(lease) }),
    // A plain restart: the spec documents only `timeout` and `signal`, and Fly's defaults are wanted.
    restartMachine: (app, id, lease) =>
      call("POST", machinePath(app, id, "restart"), null, { headers: leaseHeader(lease) }),
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
