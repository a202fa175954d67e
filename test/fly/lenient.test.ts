import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { createFlyClient } from "../../src/fly/client";
import { getTargetStatus } from "../../src/probes/queries";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "../probes/harness";
import { world } from "../world";

// The Machines spec marks no field of Machine, MachineEvent or CheckStatus as required, and Fly
// leaves zero values out: one odd event or check must never turn a whole app's probe into
// `error`. Answers here are scripted through the contract checker, so each is one the spec allows.

const APP = "kora-web";
const config = parseConfig(env);
const fly = () => createFlyClient(config, { timeoutMs: 2_000 });

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

const started = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `web-${id}`,
  state: "started",
  region: "cdg",
  instance_id: "01J0000000000000000000000",
  host_status: "ok",
  checks: [{ name: "servicecheck-00-http-8080", status: "passing" }],
  events: [],
  ...extra,
});

async function probeWithListing(machines: unknown[]) {
  await world.contracts.answer({
    provider: "fly",
    method: "GET",
    path: `^/v1/apps/${APP}/machines$`,
    status: 200,
    body: machines,
  });
  await fireCycle(probeEnv().env, minute(0));
}

describe("the Fly probe reads what the spec allows", () => {
  it("events without status or timestamp, and checks without name or status, leave the app probed", async () => {
    await probeWithListing([
      started("aa11", {
        events: [{ type: "start" }, { type: "launch", source: "user" }, {}],
        checks: [{ output: "ok" }, { name: "alive" }],
      }),
      started("bb22", {
        state: "stopped",
        events: [
          { type: "exit", request: { exit_event: { exit_code: 1, requested_stop: false } } },
          { type: "start", status: "started" },
        ],
      }),
    ]);

    expect((await getTargetStatus(env.DB, "fly", APP))?.last_status).toBe("healthy");
    expect((await getTargetStatus(env.DB, "fly", "aa11"))?.last_status).toBe("healthy");
    expect(await getTargetStatus(env.DB, "fly", "bb22")).toMatchObject({
      last_status: "unhealthy",
      last_detail: { reason: "crashed" },
    });
  });

  it("a critical check without a name still counts as failing", async () => {
    await probeWithListing([started("cc33", { checks: [{ status: "critical" }] })]);
    expect(await getTargetStatus(env.DB, "fly", "cc33")).toMatchObject({
      last_status: "unhealthy",
      last_detail: { reason: "checks_failing", failing_checks: ["unnamed check"] },
    });
  });

  it("a machine listed without a state is an `error` of its own; the others are judged", async () => {
    await probeWithListing([{ id: "dd44", name: "odd" }, started("ee55")]);
    expect((await getTargetStatus(env.DB, "fly", "dd44"))?.last_status).toBe("error");
    expect((await getTargetStatus(env.DB, "fly", "ee55"))?.last_status).toBe("healthy");
    expect((await getTargetStatus(env.DB, "fly", APP))?.last_status).toBe("healthy");
  });

  it("a machine listed without an id is left out (it cannot be named); the others are judged", async () => {
    await probeWithListing([{ state: "stopped" }, started("ff66")]);
    expect((await getTargetStatus(env.DB, "fly", APP))?.last_detail).toMatchObject({ machines: 1 });
    expect((await getTargetStatus(env.DB, "fly", "ff66"))?.last_status).toBe("healthy");
  });

  it("fields of the wrong type read as absent (a fault answer, outside the spec)", async () => {
    await world.fault({
      provider: "fly",
      method: "GET",
      path: `^/v1/apps/${APP}/machines$`,
      kind: "status",
      status: 200,
      body: [started("ab12", { events: ["not an event", null, { type: 7, timestamp: "soon" }], checks: "none" })],
    });
    await fireCycle(probeEnv().env, minute(0));
    expect((await getTargetStatus(env.DB, "fly", APP))?.last_status).toBe("healthy");
    expect((await getTargetStatus(env.DB, "fly", "ab12"))?.last_status).toBe("healthy");
  });
});

describe("the Fly client reads both lease shapes and the spec's empty start", () => {
  beforeEach(async () => {
    await world.fly.machines([{ app: APP, id: "m900", state: "stopped" }]);
  });

  it("a flat Lease (the spec's shape) is read like flyctl's envelope", async () => {
    await world.contracts.answer({
      provider: "fly",
      method: "POST",
      path: "/lease$",
      status: 201,
      body: { nonce: "flatnonce01", expires_at: 1_900_000_000, owner: "kora@example.com" },
    });
    const lease = await fly().acquireLease(APP, "m900", { ttl_seconds: 30, description: "test" });
    expect(lease).toEqual({ ok: true, value: expect.objectContaining({ nonce: "flatnonce01" }) });
    const envelope = await fly().acquireLease(APP, "m900", { ttl_seconds: 30, description: "test" });
    expect(envelope).toEqual({ ok: true, value: expect.objectContaining({ nonce: expect.any(String) }) });
  });

  it("a lease without a nonce is refused: it could neither guard the fix nor be released", async () => {
    await world.contracts.answer({
      provider: "fly",
      method: "POST",
      path: "/lease$",
      status: 201,
      body: { owner: "x" },
    });
    const lease = await fly().acquireLease(APP, "m900", { ttl_seconds: 30, description: "test" });
    expect(lease).toEqual({ ok: false, error: expect.objectContaining({ kind: "bad_response" }) });
  });

  it("a start answered 200 with no body is a start", async () => {
    await world.contracts.answer({ provider: "fly", method: "POST", path: "/start$", status: 200 });
    expect(await fly().startMachine(APP, "m900")).toEqual({ ok: true, value: {} });
  });

  it("a restart asks for nothing the spec does not document", async () => {
    await world.fly.machines([{ app: APP, id: "m901", state: "started" }]);
    await fly().restartMachine(APP, "m901");
    const [restart] = (await world.requests({ provider: "fly" })).filter((r) => r.path.endsWith("/restart"));
    expect(restart?.query).toEqual({});
  });
});
