import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import { getTargetStatus } from "../../src/probes/queries";
import { WakeMessage } from "../../src/contracts";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "../probes/harness";
import { deliver, sessionRows, withVars } from "../wake/helpers";
import { world } from "../world";
import { autofixContext, fakeMachine, fix, flyCalls, incidentOf, machineId, mutatingFlyCalls } from "./helpers";

// A team with several Fly apps: KORA_FLY_APPS lists them in search order (the two variables of
// the first version still work and come after). The probe covers every app, the wake carries the
// app it saw the machine in, and the fix goes straight there.

const APPS = ["shop-api", "shop-worker", "shop-cron"];
const THREE_APPS = { KORA_FLY_APPS: APPS.join(",") };

let third: string;
beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
  third = machineId();
  await world.fly.machines([
    { app: "shop-api", id: machineId() },
    { app: "shop-worker", id: machineId() },
    { app: "shop-cron", id: third, name: "cron-1" },
  ]);
});

describe("three apps configured", () => {
  it("a machine in the third app is probed, woken with its app, and fixed there without touching the others", async () => {
    const { env: koraEnv, queue } = probeEnv(THREE_APPS);
    await fireCycle(koraEnv, minute(0));
    await world.fly.crash(third, { exit_code: 1 });
    await fireCycle(koraEnv, minute(1));
    await fireCycle(koraEnv, minute(2));

    expect((await getTargetStatus(env.DB, "fly", third))?.last_status).toBe("unhealthy");
    const wakes = queue.messages.map((body) => WakeMessage.parse(body));
    const wake = wakes.find((message) => message.targets.some((t) => t.target === third));
    expect(wake?.targets.find((t) => t.target === third)?.fly_app).toBe("shop-cron");
    if (!wake) return;

    const probeCalls = (await flyCalls()).filter((call) => call.startsWith("GET") && call.endsWith("/machines"));
    for (const app of [...APPS, "kora-web", "kora-web-staging"]) {
      expect(probeCalls).toContain(`GET /v1/apps/${app}/machines`);
    }

    const before = (await flyCalls()).length;
    await deliver(wake, { env: withVars({ ...THREE_APPS, KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" }) });

    expect((await fakeMachine(third))?.state).toBe("started");
    const calls = (await flyCalls()).slice(before);
    expect(calls).toContain(`POST /v1/apps/shop-cron/machines/${third}/start`);
    expect(calls.filter((call) => !call.includes("/apps/shop-cron/"))).toEqual([]);
    const fixRow = (await sessionRows(wake.caller_session_id)).find((r) => r.seam === "tool.probe_autofix_attempted");
    expect(fixRow?.details).toMatchObject({ status: "attempted", outcome: "recovered", fly_app: "shop-cron" });
  });

  it("an MCP caller, who names no app, gets the configured apps in order", async () => {
    await world.reset();
    for (const app of APPS) await world.fly.machines([{ app, id: machineId() }]);
    await world.fly.machines([{ app: "shop-cron", id: third, state: "started" }]);
    await world.fly.crash(third);

    const result = await attemptProbeAutofix(fix(third), autofixContext({ vars: THREE_APPS, source: "mcp" }));

    expect(result).toMatchObject({ status: "attempted", outcome: "recovered", fly_app: "shop-cron" });
    const leases = (await flyCalls()).filter((call) => call.startsWith("POST") && call.endsWith("/lease"));
    expect(leases).toEqual(APPS.map((app) => `POST /v1/apps/${app}/machines/${third}/lease`));
  });

  it("a reasoning fix looks only in the wake's app: absent there is target_not_found, not a search", async () => {
    await world.reset();
    await world.fly.machines([{ app: "shop-api", id: third, state: "started" }]);
    await world.fly.crash(third);
    const ctx = autofixContext({ vars: THREE_APPS, incident: incidentOf([{ target: third, fly_app: "shop-cron" }]) });

    const result = await attemptProbeAutofix(fix(third), ctx);

    expect(result).toMatchObject({
      status: "rejected",
      rejection_reason: "target_not_found",
      rejection_detail: { apps_checked: ["shop-cron"] },
    });
    expect(await flyCalls()).toEqual([`POST /v1/apps/shop-cron/machines/${third}/lease`]);
    expect(await mutatingFlyCalls()).toEqual([]);
  });

  it("a wake naming an app that is no longer configured is refused without a call", async () => {
    await world.reset();
    const ctx = autofixContext({ vars: THREE_APPS, incident: incidentOf([{ target: third, fly_app: "retired-app" }]) });
    const result = await attemptProbeAutofix(fix(third), ctx);
    expect(result).toMatchObject({
      rejection_reason: "target_not_found",
      rejection_detail: { why: "app_not_configured", fly_app: "retired-app" },
    });
    expect(await world.requests({ provider: "fly" })).toEqual([]);
  });
});
