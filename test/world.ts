import { env } from "cloudflare:workers";
import type { ScriptedReply } from "./fakes/anthropic.ts";
import type { Fault } from "./fakes/faults.ts";
import type { FakeMachine, MachineSeed } from "./fakes/fly.ts";
import type { SkippingFault } from "./fakes/fly-faults.ts";
import type { SlackPost } from "./fakes/slack.ts";
import type { SupabaseServiceStatus } from "./fakes/supabase.ts";
import type { VercelState } from "./fakes/vercel.ts";
import type { RecordedRequest } from "./fakes/world.ts";
import type { ContractViolation } from "./contracts/checker.ts";

/** The test side of the fake world's control API, called over real fetch from workerd. */
export const world = {
  async control<T = unknown>(path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${env.FAKE_WORLD_URL}/__control/${path}`, {
      method: body === undefined && path === "requests" ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`fake world control ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  },
  reset: () => world.control("reset", {}),
  fault: (fault: Fault) => world.control("faults", fault),
  async requests(filter: { provider?: string; mutating?: boolean } = {}): Promise<RecordedRequest[]> {
    const query = new URLSearchParams();
    if (filter.provider) query.set("provider", filter.provider);
    if (filter.mutating) query.set("mutating", "true");
    const response = await fetch(`${env.FAKE_WORLD_URL}/__control/requests?${query}`);
    return (await response.json()) as RecordedRequest[];
  },
  fly: {
    machines: (machines: MachineSeed[]) => world.control("fly/machines", { machines }),
    crash: (id: string, options: { exit_code?: number; oom?: boolean } = {}) =>
      world.control("fly/crash", { id, ...options }),
    autostop: (id: string) => world.control("fly/autostop", { id }),
    lease: (id: string, owner?: string) => world.control<{ nonce: string }>("fly/lease", { id, owner }),
    state: () => world.control<{ app: string; machines: FakeMachine[] }[]>("fly/state", {}),
    faultAfter: (fault: SkippingFault) => world.control("fly/fault-after", fault),
    /** A started machine whose checks turn critical; after a restart they read `after_restart`. */
    hang: (id: string, options: { after_restart?: "passing" | "critical"; delay_ms?: number } = {}) =>
      world.control("fly/hang", { id, ...options }),
    /** The machine's host stops answering (`host_status: unreachable`), or answers again (`ok`). */
    host: (id: string, status: "unreachable" | "ok", options: { recovers_on_restart?: boolean } = {}) =>
      world.control("fly/host", { id, status, ...options }),
    /** Every time the machine reaches `started` it exits again with `exit_code`, `after_ms` later. */
    crashLoop: (id: string, options: { after_ms?: number; exit_code?: number } = {}) =>
      world.control("fly/crash-loop", { id, ...options }),
    /** Flips between crashed and started before each list call (`every_listing: false` stops it). */
    flapping: (id: string, options: { every_listing?: boolean } = {}) =>
      world.control("fly/flapping", { id, ...options }),
    /** Flips the machine once: started → crashed, anything else → started. */
    flip: (id: string) => world.control<{ state: string }>("fly/flip", { id }),
    /** `count` machines in one app (ids `<id_prefix>0000`…); returns their ids. */
    fleet: (app: string, count: number, seed: Omit<MachineSeed, "app" | "id"> & { id_prefix?: string } = {}) =>
      world.control<{ ids: string[] }>("fly/fleet", { app, count, ...seed }),
  },
  anthropic: {
    script: (replies: ScriptedReply[]) => world.control("anthropic/script", { replies }),
    forgetCache: () => world.control("anthropic/forget-cache", {}),
  },
  slack: {
    posts: async () => (await world.control<{ posts: SlackPost[] }>("slack/posts", {})).posts,
    fail: (error: string, options: { method?: string; times?: number } = {}) =>
      world.control("slack/fail", { error, ...options }),
    ratelimit: (retryAfterSeconds: number, times = 1) =>
      world.control("slack/ratelimit", { retry_after: retryAfterSeconds, times }),
  },
  supabase: {
    project: (ref: string, services: Record<string, SupabaseServiceStatus> = {}) =>
      world.control("supabase/project", { ref, services }),
    service: (ref: string, service: string, status: SupabaseServiceStatus) =>
      world.control("supabase/service", { ref, service, status }),
  },
  vercel: {
    project: (projectId: string, options: { states?: VercelState[]; teamId?: string } = {}) =>
      world.control("vercel/project", { projectId, ...options }),
    deploy: (projectId: string, state: VercelState) => world.control("vercel/deploy", { projectId, state }),
  },
  sentry: {
    /** Creates or updates a project; returns its numeric id. */
    project: (org: string, project: string, errorsPerMinute: number) =>
      world.control<{ id: string }>("sentry/project", { org, project, errors_per_minute: errorsPerMinute }),
  },
  doppler: {
    /** Creates a config, issuing the service tokens given on it. */
    config: (project: string, config: string, serviceTokens: string[] = []) =>
      world.control("doppler/config", { project, config, service_tokens: serviceTokens }),
    remove: (project: string, config: string) => world.control("doppler/delete", { project, config }),
  },
  contracts: {
    /** Violations after sequence number `since` (which keeps counting across resets), and the last one. */
    async violations(
      since = 0,
    ): Promise<{ last_seq: number; violations: ContractViolation[]; checked: Record<string, number> }> {
      const response = await fetch(`${env.FAKE_WORLD_URL}/__control/contract-violations?since=${since}`);
      if (!response.ok) throw new Error(`fake world contract-violations: ${response.status}`);
      return (await response.json()) as {
        last_seq: number;
        violations: ContractViolation[];
        checked: Record<string, number>;
      };
    },
    /** Forgets the violations so far (a test that provoked some on purpose). */
    async clear(): Promise<void> {
      await fetch(`${env.FAKE_WORLD_URL}/__control/contract-violations`, { method: "DELETE" });
    },
    /** The next matching answers are these (checked against the contract, unlike a fault's). */
    answer: (answer: {
      provider: string;
      method?: string;
      path?: string;
      times?: number;
      status: number;
      body?: unknown;
    }) => world.control("answers", answer),
    /** The next `times` answers to this operation are the least its spec allows; returns that answer. */
    minimal: (provider: string, operation: string, times = 1) =>
      world.control<{ status: number; body?: unknown }>("contract-minimal", { provider, operation, times }),
  },
  /** Every answer from `provider` waits this long (benchmarks). */
  latency: (provider: string, ms: number) => world.control(`${provider}/latency`, { ms }),
};

/** One readable line per violation, for test failures. */
export function describeViolation(v: ContractViolation): string {
  const status = v.status === undefined ? "" : ` → ${v.status}`;
  const known = v.known_drift ? ` [known drift ${v.known_drift}]` : "";
  return `${v.provider} ${v.operation} ${v.direction} (${v.method} ${v.path}${status}): ${v.field} ${v.problem}${known}`;
}
