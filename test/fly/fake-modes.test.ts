import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { createFlyClient } from "../../src/fly/client";
import { judgeMachine } from "../../src/fly/machine-health";
import { world } from "../world";

// The fake Fly's incident modes, seen through Kora's own client and health rule: what the
// autofix, incident and demo tests build their scenarios on.

const APP = "kora-web";
const fly = () => createFlyClient(parseConfig(env), { timeoutMs: 2_000 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function verdict(id: string) {
  const read = await fly().getMachine(APP, id);
  if (!read.ok) throw new Error(read.error.message);
  return { state: read.value.state, ...judgeMachine(read.value, new Date()) };
}

beforeEach(async () => {
  await world.reset();
  await world.fly.machines([{ app: APP, id: "m700", state: "started" }]);
});

describe("the fake Fly's incident modes", () => {
  it("hang: started with critical checks, passing some time after a restart", async () => {
    await world.fly.hang("m700", { after_restart: "passing", delay_ms: 150 });
    expect(await verdict("m700")).toEqual({ state: "started", status: "unhealthy", reason: "checks_failing" });
    const lease = await fly().acquireLease(APP, "m700", { ttl_seconds: 30, description: "test" });
    if (!lease.ok) throw new Error(lease.error.message);
    expect((await fly().restartMachine(APP, "m700", lease.value)).ok).toBe(true);
    await fly().waitForState(APP, "m700", { state: "started", timeout_seconds: 2 });
    expect((await verdict("m700")).reason).toBe("checks_failing");
    await sleep(250);
    expect(await verdict("m700")).toEqual({ state: "started", status: "healthy", reason: "running" });
  });

  it("host: unreachable, with the config Fly then reports as incomplete", async () => {
    await world.fly.host("m700", "unreachable");
    expect(await verdict("m700")).toMatchObject({ status: "unhealthy", reason: "host_unreachable" });
    const [listed] = (await world.fly.state()).flatMap((a) => a.machines);
    expect(listed?.host_status).toBe("unreachable");
    await world.fly.host("m700", "ok");
    expect((await verdict("m700")).status).toBe("healthy");
  });

  it("crash-loop: started, then stopped again with a non-zero exit", async () => {
    await world.fly.crashLoop("m700", { after_ms: 50, exit_code: 3 });
    await sleep(150);
    expect(await verdict("m700")).toEqual({ state: "stopped", status: "unhealthy", reason: "crashed" });
    expect((await fly().startMachine(APP, "m700")).ok).toBe(true);
    await fly().waitForState(APP, "m700", { state: "started", timeout_seconds: 2 });
    await sleep(150);
    expect((await verdict("m700")).reason).toBe("crashed");
  });

  it("flapping: crashed and started by turns at each listing, or on command", async () => {
    await world.fly.flapping("m700");
    const states = [];
    for (let i = 0; i < 4; i++) {
      const listed = await fly().listMachines(APP);
      states.push(listed.ok ? listed.value[0]?.state : "error");
    }
    expect(states).toEqual(["stopped", "started", "stopped", "started"]);
    await world.fly.flapping("m700", { every_listing: false });
    expect((await world.fly.flip("m700")).state).toBe("stopped");
    expect((await verdict("m700")).reason).toBe("crashed");
    expect((await world.fly.flip("m700")).state).toBe("started");
  });

  it("fleet: many machines in one app at once", async () => {
    const { ids } = await world.fly.fleet("kora-big", 25, { id_prefix: "big" });
    expect(ids).toHaveLength(25);
    const listed = await fly().listMachines("kora-big");
    expect(listed.ok && listed.value.map((m) => m.id)).toEqual(ids);
  });
});
