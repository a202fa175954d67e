import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getProbeStatus } from "../../src/probes/queries";
import { world } from "../world";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "./harness";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

async function supabaseRow() {
  const [row] = await getProbeStatus(env.DB, "supabase");
  return { status: row?.last_status, detail: row?.last_detail };
}

const service = (name: string, status: string, healthy = status === "ACTIVE_HEALTHY") => ({ name, healthy, status });

describe("the Supabase probe reads each service's status", () => {
  it("status decides: the deprecated healthy flag is not trusted over it", async () => {
    await world.contracts.answer({
      provider: "supabase",
      path: "/health$",
      status: 200,
      body: [
        service("auth", "ACTIVE_HEALTHY"),
        service("db", "UNHEALTHY", true),
        service("realtime", "ACTIVE_HEALTHY"),
        service("rest", "ACTIVE_HEALTHY"),
        service("storage", "ACTIVE_HEALTHY"),
      ],
    });
    await fireCycle(probeEnv().env, minute(0));
    expect(await supabaseRow()).toEqual({
      status: "unhealthy",
      detail: { summary: "not healthy: db (UNHEALTHY)", services: [{ name: "db", status: "UNHEALTHY" }] },
    });
  });

  it("a service asked about but missing from the answer is not known to be healthy: an error", async () => {
    await world.contracts.answer({
      provider: "supabase",
      path: "/health$",
      status: 200,
      body: ["auth", "db", "realtime", "rest"].map((name) => service(name, "ACTIVE_HEALTHY")),
    });
    await fireCycle(probeEnv().env, minute(0));
    expect(await supabaseRow()).toEqual({
      status: "error",
      detail: { summary: "Supabase did not report on storage", unanswered: ["storage"] },
    });
  });
});
