import { env } from "cloudflare:workers";
import type { Fault } from "./fakes/faults.ts";
import type { MachineSeed } from "./fakes/fly.ts";
import type { RecordedRequest } from "./fakes/world.ts";

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
  },
};
