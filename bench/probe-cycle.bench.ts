import { env } from "cloudflare:workers";
import { beforeEach, it } from "vitest";
import { parseConfig } from "../src/config";
import { ConnectionSlots, WORKER_CONNECTION_LIMIT } from "../src/probes/providers/connection-slots";
import { probeFly } from "../src/probes/providers/fly";
import { createProbeFetch } from "../src/probes/providers/probe-fetch";
import { WakeMessage } from "../src/contracts";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "../test/probes/harness";
import { world } from "../test/world";
import { reportFigure } from "./report";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

it("measures the minutes from a crash to its wake at the default settings", async () => {
  // Defaults from wrangler.toml: no KORA_WAKE_AFTER_CYCLES / COOLDOWN overrides.
  const { env: koraEnv, queue } = probeEnv({ KORA_WAKE_AFTER_CYCLES: env.KORA_WAKE_AFTER_CYCLES });
  const crashedAt = minute(0) + 20_000; // between two cycles, as a crash usually is
  await fireCycle(koraEnv, minute(0));
  await world.fly.crash("148e21ea7d9089");
  let wokeAt: number | undefined;
  for (let n = 1; n <= 10 && wokeAt === undefined; n++) {
    await fireCycle(koraEnv, minute(n));
    if (queue.messages.length > 0) {
      WakeMessage.parse(queue.messages[0]);
      wokeAt = minute(n);
    }
  }
  if (wokeAt === undefined) throw new Error("no wake within 10 cycles");
  reportFigure({
    name: "crash → wake (default settings)",
    value: +((wokeAt - crashedAt) / 60_000).toFixed(2),
    unit: "min",
    note: `KORA_WAKE_AFTER_CYCLES=${env.KORA_WAKE_AFTER_CYCLES}, crash 20 s after a cycle; at most ${env.KORA_WAKE_AFTER_CYCLES} min`,
  });
});

it("measures the Fly probe and the whole cycle over 20 apps × 10 machines with 100 ms per call", async () => {
  const apps = Array.from({ length: 20 }, (_, a) => `bench-app-${String(a).padStart(2, "0")}`);
  // The configuration a team with twenty apps writes; the two variables of the first version
  // stay empty so the figure is exactly 20 × 10.
  const vars = { KORA_FLY_APPS: apps.join(","), KORA_FLY_APP_NAME: "", KORA_FLY_STAGING_APP_NAME: "" };
  for (const [a, app] of apps.entries()) {
    await world.fly.fleet(app, 10, { id_prefix: `b${String(a).padStart(2, "0")}m` });
  }
  // One crash per app: judged from the list's own events, so no extra call.
  for (let a = 0; a < apps.length; a++) await world.fly.crash(`b${String(a).padStart(2, "0")}m0000`);
  const latencyMs = 100;
  await world.latency("fly", latencyMs);
  const config = parseConfig({ ...env, ...vars });

  const timeRun = async (slots: number) => {
    const fetch = createProbeFetch({ slots: new ConnectionSlots(slots), timeoutMs: 8_000 });
    const started = Date.now();
    const results = await probeFly({ config, fetch, now: new Date(minute(0)) });
    const elapsed = Date.now() - started;
    const unhealthy = results.filter((r) => r.status === "unhealthy").length;
    if (results.length !== 220 || unhealthy !== 20)
      throw new Error(`unexpected results: ${results.length}, ${unhealthy} unhealthy`);
    return elapsed;
  };

  const calls = (await world.requests({ provider: "fly" })).length;
  const concurrent = await timeRun(WORKER_CONNECTION_LIMIT);
  const callsPerRun = (await world.requests({ provider: "fly" })).length - calls;
  const sequential = await timeRun(1);

  reportFigure({
    name: "Fly probe, 20 apps × 10 machines, 100 ms/call (6 connections)",
    value: concurrent,
    unit: "ms",
    note: `${callsPerRun} calls; ideal ${latencyMs} ms (slowest chain: 1 list call), ${Math.ceil(callsPerRun / WORKER_CONNECTION_LIMIT) * latencyMs} ms at 6 connections`,
  });
  reportFigure({
    name: "Fly probe, same world, sequential",
    value: sequential,
    unit: "ms",
    note: `${(sequential / concurrent).toFixed(1)}× the concurrent run`,
  });

  // The whole cycle (every probe, D1 state for 220 targets, wakes) on the same Fly world.
  await clearProbeTables();
  const { env: koraEnv } = probeEnv(vars);
  const started = Date.now();
  await fireCycle(koraEnv, minute(0));
  reportFigure({
    name: "probe cycle, 20 Fly apps × 10 machines + the other probes (100 ms/Fly call)",
    value: Date.now() - started,
    unit: "ms",
    note: "one scheduled() run: probes, per-target state in D1, wake decisions",
  });
});
