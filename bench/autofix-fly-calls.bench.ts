import { env } from "cloudflare:workers";
import { it } from "vitest";
import { attemptProbeAutofix } from "../src/autofix/attempt";
import { parseConfig } from "../src/config";
import { world } from "../test/world";
import { median, reportFigure } from "./report";

/** get, lease, re-get under the lease, start, wait, re-read, release. */
const MINIMUM_CALLS = 7;

it("counts Fly API calls per successful fix", async () => {
  const vars = { ...env, KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" };
  const config = parseConfig(vars);
  const calls: number[] = [];
  const durations: number[] = [];
  for (let i = 0; i < 20; i++) {
    await world.reset();
    const id = `bench${i}`;
    await world.fly.machines([{ app: config.KORA_FLY_APP_NAME ?? "kora-web", id, state: "stopped" }]);
    const result = await attemptProbeAutofix(
      { probe: "fly", action: "restart_unhealthy_machine", target_id: id, reason: "bench" },
      { env: vars, config, caller_session_id: `wake:bench-${i}`, source: "system", now: () => new Date() },
    );
    if (result.outcome !== "recovered") throw new Error(`fix ${i} did not recover: ${JSON.stringify(result)}`);
    calls.push((await world.requests({ provider: "fly" })).length);
    durations.push(result.executor_duration_ms ?? 0);
  }
  reportFigure({
    name: "Fly API calls per successful fix (median)",
    value: median(calls),
    unit: "calls",
    note: `minimum ${MINIMUM_CALLS}: get, lease, re-get under lease, start, wait, re-read, release; max seen ${Math.max(...calls)}`,
  });
  reportFigure({
    name: "successful fix against the fake, executor time (median)",
    value: median(durations),
    unit: "ms",
    note: "fake Fly: 30 ms start transition, loopback",
  });
});
