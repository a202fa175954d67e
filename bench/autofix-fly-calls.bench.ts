import { env } from "cloudflare:workers";
import { it } from "vitest";
import { attemptProbeAutofix, type AutofixContext } from "../src/autofix/attempt";
import { parseConfig, type KoraEnv } from "../src/config";
import type { AuditSource } from "../src/contracts";
import { world } from "../test/world";
import { median, reportFigure } from "./report";

/** The first version: get, lease, re-get under the lease, start, wait, re-read, release. */
const V1_CALLS = 7;
/** Lease (which finds the app), read under it, start/restart, wait, re-read, release. */
const MINIMUM_CALLS = 6;
const RUNS = 15;

const PROD = "kora-web";
const STAGING = "kora-web-staging";

interface Scenario {
  name: string;
  /** What the first version did with the same machine. */
  v1: string;
  app: string;
  source: AuditSource;
  /** Puts machine `id` in the fake, in the state the fix starts from. */
  seed: (id: string) => Promise<void>;
}

async function crashed(app: string, id: string): Promise<void> {
  await world.fly.machines([{ app, id, state: "started" }]);
  await world.fly.crash(id);
}

const SCENARIOS: Scenario[] = [
  {
    name: "crashed machine, app from the wake",
    v1: `${V1_CALLS} calls`,
    app: PROD,
    source: "reasoning",
    seed: (id) => crashed(PROD, id),
  },
  {
    name: "hung machine (checks pass 1.5 s after the restart), app from the wake",
    v1: "refused, target_already_started",
    app: PROD,
    source: "reasoning",
    seed: async (id) => {
      await world.fly.machines([{ app: PROD, id, state: "started" }]);
      await world.fly.hang(id, { after_restart: "passing", delay_ms: 1_500 });
    },
  },
  {
    name: "MCP caller, machine in the first app",
    v1: `${V1_CALLS} calls`,
    app: PROD,
    source: "mcp",
    seed: (id) => crashed(PROD, id),
  },
  {
    name: "MCP caller, machine in the second app",
    v1: `${V1_CALLS + 1} calls`,
    app: STAGING,
    source: "mcp",
    seed: (id) => crashed(STAGING, id),
  },
];

function contextFor(scenario: Scenario, id: string, run: number): AutofixContext {
  const vars: KoraEnv = { ...env, KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" };
  const base = { env: vars, config: parseConfig(vars), now: () => new Date() };
  if (scenario.source === "mcp") return { ...base, caller_session_id: `mcp:bench:${run}`, source: "mcp" };
  const wakeId = crypto.randomUUID();
  return {
    ...base,
    caller_session_id: `wake:${wakeId}`,
    source: "reasoning",
    incident: {
      incident_id: `wake:${wakeId}`,
      wake_id: wakeId,
      probe: "fly",
      targets: [{ target: id, fly_app: scenario.app }],
    },
  };
}

/** `lease`, `get`, `start`, `restart`, `wait`, `release`: what a call was, without the ids. */
function callName(request: { method: string; path: string }): string {
  const last = request.path.split("/").at(-1) ?? "";
  if (last === "lease") return request.method === "DELETE" ? "release" : "lease";
  return ["start", "restart", "wait"].includes(last) ? last : "get";
}

it("counts Fly API calls per successful fix", async () => {
  for (const scenario of SCENARIOS) {
    const calls: number[] = [];
    const durations: number[] = [];
    let fewest: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      await world.reset();
      // Budgets are counted from the audit log: each run starts with none spent.
      await env.DB.prepare("DELETE FROM audit_events").run();
      const id = `bench${String(i).padStart(4, "0")}`;
      await scenario.seed(id);
      const result = await attemptProbeAutofix(
        { probe: "fly", action: "restart_unhealthy_machine", target_id: id, reason: "bench" },
        contextFor(scenario, id, i),
      );
      if (result.outcome !== "recovered") throw new Error(`${scenario.name}: fix ${i} did not recover`);
      const made = (await world.requests({ provider: "fly" })).map(callName);
      if (fewest.length === 0 || made.length < fewest.length) fewest = made;
      calls.push(made.length);
      durations.push(result.executor_duration_ms ?? 0);
    }
    reportFigure({
      name: `Fly calls per fix: ${scenario.name} (median)`,
      value: median(calls),
      unit: "calls",
      note: `minimum ${Math.min(...calls)} (${fewest.join(", ")}); max ${Math.max(...calls)}; v1: ${scenario.v1}; floor ${MINIMUM_CALLS}`,
    });
    reportFigure({
      name: `fix executor time: ${scenario.name} (median)`,
      value: median(durations),
      unit: "ms",
      note: "fake Fly: 30 ms transitions, loopback",
    });
  }
});
