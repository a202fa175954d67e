import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getProbeStatus } from "../../src/probes/queries";
import { world } from "../world";
import { CONFIGURED, clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "./harness";

/**
 * The Doppler probe against a fake that checks tokens by type (test/fakes/doppler.ts): the service
 * token Kora is given was issued on `api/prd` by `seedHealthyWorld`.
 */

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

async function dopplerRow() {
  const rows = await getProbeStatus(env.DB, "doppler");
  expect(rows).toHaveLength(1);
  const [row] = rows;
  return { target: row?.target, status: row?.last_status, detail: row?.last_detail };
}

describe("with the service token of its config", () => {
  it("reads the names of the config's secrets, and only that", async () => {
    await fireCycle(probeEnv().env, minute(0));

    expect(await dopplerRow()).toEqual({
      target: "api/prd",
      status: "healthy",
      detail: { summary: "config api/prd readable (3 secret names)", secret_count: 3 },
    });
    const requests = await world.requests({ provider: "doppler" });
    expect(requests.map((r) => ({ path: r.path, query: r.query, auth: r.headers.authorization }))).toEqual([
      {
        path: "/v3/configs/config/secrets/names",
        query: { project: ["api"], config: ["prd"] },
        auth: `Bearer ${CONFIGURED.KORA_DOPPLER_TOKEN}`,
      },
    ]);
  });

  it("a deleted config takes the token with it: an error that says so, never a wake", async () => {
    await world.doppler.remove("api", "prd");
    const { env: koraEnv, queue } = probeEnv();
    for (let n = 0; n < 3; n++) await fireCycle(koraEnv, minute(n));

    expect(await dopplerRow()).toEqual({
      target: "api/prd",
      status: "error",
      detail: {
        summary:
          "Doppler rejected KORA_DOPPLER_TOKEN (HTTP 401: Invalid Auth token): it was revoked or expired, or its config was deleted (a service token goes with its config); check api/prd and create a service token on it",
        http_status: 401,
      },
    });
    expect(queue.messages).toEqual([]);
  });
});

describe("a token that cannot read the config", () => {
  it("a service token made on another config is an error naming what it may not read", async () => {
    const token = "dp.st.stg0123456789";
    await world.doppler.config("api", "stg", [token]);
    await fireCycle(probeEnv({ KORA_DOPPLER_TOKEN: token }).env, minute(0));

    expect(await dopplerRow()).toEqual({
      target: "api/prd",
      status: "error",
      detail: {
        summary:
          "Doppler refused (HTTP 403: This token does not have access to requested config): KORA_DOPPLER_TOKEN may not read the secrets of api/prd; use a service token created on that config (Project → Config → Access)",
        http_status: 403,
      },
    });
  });

  it("a token Doppler does not know is an error, not an unhealthy config", async () => {
    await fireCycle(probeEnv({ KORA_DOPPLER_TOKEN: "dp.pt.unknown0123456789" }).env, minute(0));
    expect(await dopplerRow()).toMatchObject({ status: "error", detail: { http_status: 401 } });
  });
});

describe("with a token that outlives the config", () => {
  it("a personal token sees the config gone: unhealthy, and Kora wakes", async () => {
    const token = "dp.pt.personal0123456789";
    await world.control("doppler/token", { token, kind: "personal" });
    await world.doppler.remove("api", "prd");
    const { env: koraEnv, queue } = probeEnv({ KORA_DOPPLER_TOKEN: token, KORA_WAKE_AFTER_CYCLES: "2" });
    for (let n = 0; n < 2; n++) await fireCycle(koraEnv, minute(n));

    expect(await dopplerRow()).toEqual({
      target: "api/prd",
      status: "unhealthy",
      detail: { summary: "config api/prd not found: Could not find requested config 'prd'" },
    });
    expect(queue.messages).toEqual([expect.objectContaining({ probe: "doppler", target: "api/prd" })]);
  });
});
