/**
 * The fake world (DESIGN §10): one stateful HTTP server on loopback that speaks the wire formats
 * of the services Kora talks to. Each provider lives in its own file and is mounted under a path
 * prefix (`/fly`, `/slack`, …); the Worker reaches it through its `*_API_BASE_URL` variables.
 * `/__control/*` lets tests, the demo and local development set state, inject faults and read
 * back every request the world received. Every request, and every answer but an injected fault's,
 * is checked against the provider's published contract (test/contracts/); the violations are at
 * `GET /__control/contract-violations`.
 *
 * Runs under Node ≥ 22.18 directly (type stripping), so this folder uses `.ts` import paths and
 * only erasable TypeScript.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { FlyFake } from "./fly.ts";
import { AnthropicFake } from "./anthropic.ts";
import { SlackFake } from "./slack.ts";
import { SupabaseFake } from "./supabase.ts";
import { VercelFake } from "./vercel.ts";
import { SentryFake } from "./sentry.ts";
import { DopplerFake } from "./doppler.ts";
import { FaultBook, type Fault } from "./faults.ts";
import { Latency } from "./latency.ts";
import { WebhookSender } from "./webhook-sender.ts";
import {
  type CheckedRequest,
  ContractBook,
  type ContractViolation,
  type MatchedOperation,
} from "../contracts/checker.ts";

/** A request as the world recorded it: what the contract checker reads, and when it came. */
export interface RecordedRequest extends CheckedRequest {
  at: string;
}

/** What a provider fake sees: the request with the provider prefix removed. */
export interface FakeRequest {
  method: string;
  path: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** A deliberately injected fault: exempt from the contract's response check. */
  injected?: boolean;
}

export interface ProviderFake {
  readonly name: string;
  handle(request: FakeRequest): Promise<FakeResponse> | FakeResponse;
  reset(): void;
  /** Control-API entry point: `POST /__control/<name>/<command>` with a JSON body. */
  control(command: string, body: unknown): unknown;
  /** Which recorded requests count as mutating (for "zero mutating calls" assertions). */
  isMutating?(request: RecordedRequest): boolean;
}

export interface FakeWorld {
  url: string;
  port: number;
  providers: Map<string, ProviderFake>;
  requests: RecordedRequest[];
  faults: FaultBook;
  /** Where requests and answers differ from the providers' published contracts (test/contracts/). */
  contractViolations: ContractViolation[];
  /** What the contract checks cost (load, then per request) and the known drifts seen so far. */
  contractCost(): { loadMs: number; requests: number; ms: number; knownDrifts: string[] };
  /** Called for every provider request as it arrives (the demo prints its progress from these). */
  onRequest(listener: (request: RecordedRequest) => void): void;
  close(): Promise<void>;
}

export function defaultProviders(): ProviderFake[] {
  return [
    new FlyFake(),
    new AnthropicFake(),
    new SlackFake(),
    new SupabaseFake(),
    new VercelFake(),
    new SentryFake(),
    new DopplerFake(),
  ];
}

export async function startFakeWorld(
  options: {
    port?: number;
    host?: string;
    providers?: ProviderFake[];
    contracts?: ContractBook;
    log?: (line: string) => void;
  } = {},
): Promise<FakeWorld> {
  const providers = new Map((options.providers ?? defaultProviders()).map((fake) => [fake.name, fake]));
  const requests: RecordedRequest[] = [];
  const faults = new FaultBook();
  const webhooks = new WebhookSender();
  const listeners: ((request: RecordedRequest) => void)[] = [];
  const latencies = new Map<string, Latency>();
  const host = options.host ?? "127.0.0.1";
  const loadStarted = performance.now();
  const contracts = options.contracts ?? new ContractBook();
  const cost = { loadMs: performance.now() - loadStarted, requests: 0, ms: 0, knownDrifts: new Set<string>() };
  const contractViolations: ContractViolation[] = [];
  /** The same violations, kept across resets: a test that resets mid-way must not hide its own. */
  const violationLog: ContractViolation[] = [];
  let violationSeq = 0;
  /** `provider operationId` → how many more answers are the spec's least form (`contract-minimal`). */
  const minimalAnswers = new Map<string, number>();
  /** `provider operationId` → requests matched to it since the last reset. */
  const checkedOperations = new Map<string, number>();
  /** Scripted answers: like faults, but checked against the contract (a fake gone wrong, on purpose). */
  const scriptedAnswers = new FaultBook();

  function recordViolations(found: Omit<ContractViolation, "seq" | "at">[]): void {
    for (const violation of found) {
      violationSeq += 1;
      const entry = { seq: violationSeq, at: new Date().toISOString(), ...violation };
      contractViolations.push(entry);
      violationLog.push(entry);
      if (violationLog.length > 10_000) violationLog.splice(0, violationLog.length - 10_000);
      if (violation.known_drift) cost.knownDrifts.add(violation.known_drift);
    }
  }

  const server: Server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      options.log?.(`fake world: ${String(error)}`);
      if (!res.headersSent) send(res, { status: 500, body: { error: "fake world failure" } });
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://${host}`);
    const body = await readBody(req);
    const [, first = "", ...rest] = url.pathname.split("/");
    if (first === "__control" && rest[0] === "webhooks" && req.method === "POST") {
      send(res, await webhooks.control(rest[1] ?? "", body ? (JSON.parse(body) as Record<string, unknown>) : {}));
      return;
    }
    if (first === "__control") {
      send(res, control(rest, req.method ?? "GET", body, url));
      return;
    }
    const provider = providers.get(first);
    if (!provider) {
      send(res, { status: 404, body: { error: `the fake world has no provider "${first}"` } });
      return;
    }
    const path = `/${rest.join("/")}`;
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(", ") : (value ?? "")]),
    );
    const recorded: RecordedRequest = {
      at: new Date().toISOString(),
      provider: provider.name,
      method: req.method ?? "GET",
      path,
      query: queryOf(url),
      headers,
      body,
    };
    requests.push(recorded);
    for (const listener of listeners) listener(recorded);
    // Every request is checked, faults or not: what Kora sends is Kora's.
    const requestCheckStarted = performance.now();
    const checked = contracts.checkRequest(recorded);
    recordViolations(checked.violations);
    cost.requests += contracts.covers(provider.name) ? 1 : 0;
    cost.ms += performance.now() - requestCheckStarted;
    if (checked.match) {
      const key = `${checked.match.provider} ${checked.match.id}`;
      checkedOperations.set(key, (checkedOperations.get(key) ?? 0) + 1);
    }
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    await latencies.get(provider.name)?.wait(abort.signal);
    const fault = faults.take(provider.name, recorded.method, path);
    if (fault) {
      await applyFault(fault, res, abort.signal);
      return;
    }
    const scripted = scriptedAnswers.take(provider.name, recorded.method, path);
    const response =
      minimalAnswer(checked.match) ??
      (scripted?.kind === "status"
        ? { status: scripted.status, headers: scripted.headers, body: scripted.body }
        : undefined) ??
      (await provider.handle({ method: recorded.method, path, url, headers, body, signal: abort.signal }));
    if (abort.signal.aborted) return;
    const wire = wireOf(response);
    send(res, response, wire);
    if (checked.match && !response.injected) {
      const responseCheckStarted = performance.now();
      recordViolations(
        contracts.checkResponse(checked.match, recorded, {
          status: response.status,
          contentType: wire.contentType,
          payload: wire.payload,
        }),
      );
      cost.ms += performance.now() - responseCheckStarted;
    }
  }

  function minimalAnswer(match: MatchedOperation | undefined): FakeResponse | undefined {
    const key = match && `${match.provider} ${match.id}`;
    const remaining = key ? (minimalAnswers.get(key) ?? 0) : 0;
    if (!match || !key || remaining <= 0) return undefined;
    minimalAnswers.set(key, remaining - 1);
    const minimal = contracts.minimalResponse(match);
    return minimal.body === undefined ? { status: minimal.status, body: "" } : minimal;
  }

  function control(parts: string[], method: string, body: string, url: URL): FakeResponse {
    const payload: unknown = body ? JSON.parse(body) : {};
    const [name = "", command = ""] = parts;
    if (name === "reset" && method === "POST") {
      requests.length = 0;
      contractViolations.length = 0;
      minimalAnswers.clear();
      checkedOperations.clear();
      scriptedAnswers.clear();
      faults.clear();
      latencies.clear();
      for (const fake of providers.values()) fake.reset();
      return { status: 200, body: { ok: true } };
    }
    if (name === "requests" && method === "GET") {
      const provider = url.searchParams.get("provider");
      const mutatingOnly = url.searchParams.get("mutating") === "true";
      const rows = requests.filter(
        (r) =>
          (!provider || r.provider === provider) &&
          (!mutatingOnly || providers.get(r.provider)?.isMutating?.(r) === true),
      );
      return { status: 200, body: rows };
    }
    if (name === "contract-violations" && method === "GET") {
      // Without `since`: the violations since the last reset. With it (a sequence number that keeps
      // counting across resets): every violation after it, reset or not, so a test reads its own.
      const since = url.searchParams.get("since");
      return {
        status: 200,
        body: {
          last_seq: violationSeq,
          violations: since === null ? contractViolations : violationLog.filter((v) => v.seq > Number(since)),
          checked: Object.fromEntries(checkedOperations),
        },
      };
    }
    if (name === "contract-violations" && method === "DELETE") {
      contractViolations.length = 0;
      violationLog.length = 0;
      return { status: 200, body: { ok: true } };
    }
    if (name === "contract-minimal" && method === "POST") {
      // The next `times` answers to this operation are the least its spec allows (Kora must read them).
      const input = payload as { provider?: string; operation?: string; times?: number };
      const match = contracts.operation(String(input.provider), String(input.operation));
      if (!match) return { status: 404, body: { error: `no operation ${String(input.operation)}` } };
      minimalAnswers.set(`${match.provider} ${match.id}`, input.times ?? 1);
      return { status: 200, body: contracts.minimalResponse(match) };
    }
    if (name === "answers" && method === "POST") {
      scriptedAnswers.add({ ...(payload as Fault), kind: "status" } as Fault);
      return { status: 200, body: { ok: true } };
    }
    if (name === "faults" && method === "POST") {
      faults.add(payload as Fault);
      return { status: 200, body: { ok: true } };
    }
    const provider = providers.get(name);
    if (provider && method === "POST" && command === "latency") {
      const latency = new Latency();
      latencies.set(name, latency);
      try {
        return { status: 200, body: latency.set(payload) };
      } catch (error) {
        return { status: 400, body: { error: String(error) } };
      }
    }
    if (provider && method === "POST") {
      try {
        return { status: 200, body: provider.control(command, payload) ?? { ok: true } };
      } catch (error) {
        return { status: 400, body: { error: String(error) } };
      }
    }
    return { status: 404, body: { error: `unknown control ${method} /${parts.join("/")}` } };
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    port,
    providers,
    requests,
    faults,
    contractViolations,
    contractCost: () => ({
      loadMs: Math.round(cost.loadMs),
      requests: cost.requests,
      ms: Math.round(cost.ms),
      knownDrifts: [...cost.knownDrifts].sort(),
    }),
    onRequest: (listener) => listeners.push(listener),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function applyFault(fault: Fault, res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (fault.kind === "hang") {
    // Hold the connection open until the client gives up (its timeout) or the world closes.
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    return;
  }
  send(res, {
    status: fault.status,
    headers: fault.headers,
    body: fault.body ?? { error: `injected fault ${fault.status}` },
  });
}

/** What goes on the wire for an answer: the contract check reads the same bytes the client does. */
function wireOf(response: FakeResponse): { contentType: string; payload: string; headers: Record<string, string> } {
  const isText = typeof response.body === "string";
  const payload = response.body === undefined ? "" : isText ? (response.body as string) : JSON.stringify(response.body);
  const headers = { "content-type": isText ? "text/plain; charset=utf-8" : "application/json", ...response.headers };
  const contentType = Object.entries(headers).find(([key]) => key.toLowerCase() === "content-type")?.[1] ?? "";
  return { contentType, payload, headers };
}

function send(res: ServerResponse, response: FakeResponse, wire = wireOf(response)): void {
  res.writeHead(response.status, wire.headers);
  res.end(wire.payload);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function queryOf(url: URL): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
  return query;
}
