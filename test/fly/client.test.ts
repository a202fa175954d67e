import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { createFlyClient } from "../../src/fly/client";
import { world } from "../world";

const config = parseConfig(env);
const fly = () => createFlyClient(config, { timeoutMs: 500 });
const APP = "kora-web";

beforeEach(async () => {
  await world.reset();
  await world.fly.machines([
    { app: APP, id: "m100", state: "started" },
    { app: APP, id: "m200", state: "stopped" },
  ]);
});

describe("reading machines", () => {
  it("lists the machines of an app with their states", async () => {
    const result = await fly().listMachines(APP);
    expect(result.ok && result.value.map((m) => [m.id, m.state])).toEqual([
      ["m100", "started"],
      ["m200", "stopped"],
    ]);
  });

  it("gets one machine with its checks and its events newest first", async () => {
    await world.fly.crash("m100", { exit_code: 3 });
    await world.fly.autostop("m100");
    const result = await fly().getMachine(APP, "m100");
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.checks.map((c) => c.status)).toEqual(["passing"]);
    const stamps = result.value.events.map((e) => e.timestamp ?? 0);
    expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
    expect(result.value.events[0]?.type).toBe("exit");
    expect(result.value.events[0]?.request?.exit_event?.requested_stop).toBe(true);
  });

  it("sends the bearer token and nothing mutating", async () => {
    await fly().getMachine(APP, "m100");
    const [request] = await world.requests({ provider: "fly" });
    expect(request?.headers.authorization).toBe(`Bearer ${config.KORA_FLY_API_TOKEN}`);
    expect(await world.requests({ provider: "fly", mutating: true })).toEqual([]);
  });
});

describe("failures come back as typed values", () => {
  it("an unknown machine is not_found", async () => {
    const result = await fly().getMachine(APP, "nope");
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: "not_found", status: 404 }) });
  });

  it("a 429 is rate_limited with the Retry-After seconds", async () => {
    await world.fault({ provider: "fly", kind: "status", status: 429, headers: { "retry-after": "7" } });
    const result = await fly().listMachines(APP);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: "rate_limited", status: 429, retry_after_seconds: 7 }),
    });
  });

  it("a 503 is unavailable and names the call", async () => {
    await world.fault({ provider: "fly", kind: "status", status: 503, body: { error: "flaps down" } });
    const result = await fly().getMachine(APP, "m100");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe("unavailable");
    expect(result.error.message).toBe("Fly GET /v1/apps/kora-web/machines/m100 answered 503: flaps down");
  });

  it("a hung call is a timeout, bounded by the client", async () => {
    await world.fault({ provider: "fly", kind: "hang" });
    const started = Date.now();
    const result = await fly().getMachine(APP, "m100");
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: "timeout" }) });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("a wrong token is unauthorized and the token is not in the message", async () => {
    await world.control("fly/tokens", { tokens: ["the-right-one"] });
    const result = await fly().listMachines(APP);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe("unauthorized");
    expect(result.error.message).not.toContain(config.KORA_FLY_API_TOKEN);
  });

  it("no token configured: not_configured, and no request leaves", async () => {
    const client = createFlyClient({ ...config, KORA_FLY_API_TOKEN: undefined });
    const result = await client.listMachines(APP);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: "not_configured" }) });
    expect(await world.requests({ provider: "fly" })).toEqual([]);
  });

  it("a body that is not a machine is bad_response, naming the call and what the answer lacks", async () => {
    await world.fault({ provider: "fly", kind: "status", status: 200, body: { hello: "world" } });
    const result = await fly().getMachine(APP, "m100");
    expect(result).toEqual({
      ok: false,
      error: {
        kind: "bad_response",
        message:
          "Fly GET /v1/apps/kora-web/machines/m100: unexpected response (body: the answer has neither an id nor a state: not a machine)",
      },
    });
  });
});

describe("acting on a machine", () => {
  it("starts a stopped machine and waits for started", async () => {
    const client = fly();
    const started = await client.startMachine(APP, "m200");
    expect(started).toEqual({ ok: true, value: { previous_state: "stopped" } });
    const waited = await client.waitForState(APP, "m200", { state: "started", timeout_seconds: 2 });
    expect(waited).toEqual({ ok: true, value: expect.objectContaining({ state: "started" }) });
  });

  it("restarting a stopped machine is precondition_failed (start is the right call)", async () => {
    const result = await fly().restartMachine(APP, "m200");
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: "precondition_failed", status: 412 }) });
  });

  it("waiting past the server timeout is a timeout (408)", async () => {
    const result = await fly().waitForState(APP, "m200", { state: "started", timeout_seconds: 1 });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: "timeout", status: 408 }) });
  });

  it("a lease held by a deploy is a conflict; our own lease gates mutating calls", async () => {
    const client = fly();
    const lease = await client.acquireLease(APP, "m200", { ttl_seconds: 30, description: "test" });
    if (!lease.ok) throw new Error(lease.error.message);
    expect(await client.acquireLease(APP, "m200", { ttl_seconds: 30, description: "again" })).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: "conflict", status: 409 }),
    });
    expect((await client.startMachine(APP, "m200")).ok).toBe(false);
    expect((await client.startMachine(APP, "m200", { nonce: lease.value.nonce })).ok).toBe(true);
    expect(await client.releaseLease(APP, "m200", lease.value.nonce)).toEqual({ ok: true, value: undefined });
  });
});
