/**
 * The fake world (DESIGN §10): one stateful HTTP server on loopback that speaks the wire formats
 * of the services Kora talks to. Each provider lives in its own file and is mounted under a path
 * prefix (`/fly`, `/slack`, …); the Worker reaches it through its `*_API_BASE_URL` variables.
 * `/__control/*` lets tests, the demo and local development set state, inject faults and read
 * back every request the world received.
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

export interface RecordedRequest {
  at: string;
  provider: string;
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  body: string;
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
  options: { port?: number; host?: string; providers?: ProviderFake[]; log?: (line: string) => void } = {},
): Promise<FakeWorld> {
  const providers = new Map((options.providers ?? defaultProviders()).map((fake) => [fake.name, fake]));
  const requests: RecordedRequest[] = [];
  const faults = new FaultBook();
  const listeners: ((request: RecordedRequest) => void)[] = [];
  const latencies = new Map<string, Latency>();
  const host = options.host ?? "127.0.0.1";

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
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    await latencies.get(provider.name)?.wait(abort.signal);
    const fault = faults.take(provider.name, recorded.method, path);
    if (fault) {
      await applyFault(fault, res, abort.signal);
      return;
    }
    const response = await provider.handle({ method: recorded.method, path, url, headers, body, signal: abort.signal });
    if (!abort.signal.aborted) send(res, response);
  }

  function control(parts: string[], method: string, body: string, url: URL): FakeResponse {
    const payload: unknown = body ? JSON.parse(body) : {};
    const [name = "", command = ""] = parts;
    if (name === "reset" && method === "POST") {
      requests.length = 0;
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

function send(res: ServerResponse, response: FakeResponse): void {
  const isText = typeof response.body === "string";
  const payload = response.body === undefined ? "" : isText ? (response.body as string) : JSON.stringify(response.body);
  res.writeHead(response.status, {
    "content-type": isText ? "text/plain; charset=utf-8" : "application/json",
    ...response.headers,
  });
  res.end(payload);
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
