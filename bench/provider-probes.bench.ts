import { beforeEach, it } from "vitest";
import { parseConfig } from "../src/config";
import { ConnectionSlots, WORKER_CONNECTION_LIMIT } from "../src/probes/providers/connection-slots";
import { createProbeFetch } from "../src/probes/providers/probe-fetch";
import { probeSentry } from "../src/probes/providers/sentry";
import { clearProbeTables, minute, probeEnv, seedHealthyWorld } from "../test/probes/harness";
import { world } from "../test/world";
import { median, reportFigure } from "./report";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

it("measures the Sentry probe at 100 ms per call: project by slug (lookup + series) and by id", async () => {
  const latencyMs = 100;
  const { id } = await world.sentry.project("acme", "web", 2);
  await world.latency("sentry", latencyMs);

  const time = async (project: string) => {
    const config = parseConfig(probeEnv({ KORA_SENTRY_PROJECT: project }).env);
    const samples: number[] = [];
    for (let run = 0; run < 5; run++) {
      const fetch = createProbeFetch({ slots: new ConnectionSlots(WORKER_CONNECTION_LIMIT), timeoutMs: 8_000 });
      const started = Date.now();
      const [result] = await probeSentry({ config, fetch, now: new Date(minute(run)) });
      samples.push(Date.now() - started);
      if (result?.status !== "healthy") throw new Error(`unexpected Sentry result: ${JSON.stringify(result)}`);
    }
    return median(samples);
  };

  reportFigure({
    name: "Sentry probe, project by slug, 100 ms/call (median of 5)",
    value: await time("web"),
    unit: "ms",
    note: `2 calls in sequence: ideal ${2 * latencyMs} ms`,
  });
  reportFigure({
    name: "Sentry probe, project by numeric id, 100 ms/call (median of 5)",
    value: await time(id),
    unit: "ms",
    note: `1 call: ideal ${latencyMs} ms`,
  });
});
