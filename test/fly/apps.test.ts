import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { ConfigError, parseConfig, type KoraEnv } from "../../src/config";
import { configuredFlyApps } from "../../src/fly/apps";
import type { ToolContext } from "../../src/contracts";
import { getTool } from "../../src/tools/registry";
import { world } from "../world";

const withVars = (vars: Record<string, string>): KoraEnv => ({ ...env, ...vars });
const appsOf = (vars: Record<string, string>) => configuredFlyApps(parseConfig(withVars(vars)));

describe("the configured Fly apps", () => {
  it("are KORA_FLY_APPS in order, then the production and staging variables, each once", () => {
    expect(appsOf({ KORA_FLY_APPS: " shop-api, shop-cron ,shop-api,", KORA_FLY_APP_NAME: "kora-web" })).toEqual([
      { app: "shop-api" },
      { app: "shop-cron" },
      { app: "kora-web", role: "production" },
      { app: "kora-web-staging", role: "staging" },
    ]);
  });

  it("keep a listed app's role when the old variables name it too", () => {
    expect(appsOf({ KORA_FLY_APPS: "kora-web-staging,shop-api" })).toEqual([
      { app: "kora-web-staging", role: "staging" },
      { app: "shop-api" },
      { app: "kora-web", role: "production" },
    ]);
  });

  it("still work with only the two variables of the first version", () => {
    expect(appsOf({})).toEqual([
      { app: "kora-web", role: "production" },
      { app: "kora-web-staging", role: "staging" },
    ]);
  });

  it.each([
    ["an uppercase name", "Shop-API"],
    ["a path", "shop/../admin"],
    ["a space inside a name", "shop api"],
    ["101 apps", Array.from({ length: 101 }, (_, i) => `app-${i}`).join(",")],
  ])("refuse %s with one error naming KORA_FLY_APPS", (_what, value) => {
    const attempt = () => parseConfig(withVars({ KORA_FLY_APPS: value }));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^configuration error: KORA_FLY_APPS /);
  });

  it("read KORA_AUTOFIX_MAX_FLEET_RESTARTS with a default of 6", () => {
    expect(parseConfig(withVars({ KORA_AUTOFIX_MAX_FLEET_RESTARTS: "" })).KORA_AUTOFIX_MAX_FLEET_RESTARTS).toBe(6);
    expect(parseConfig(withVars({ KORA_AUTOFIX_MAX_FLEET_RESTARTS: "12" })).KORA_AUTOFIX_MAX_FLEET_RESTARTS).toBe(12);
    expect(() => parseConfig(withVars({ KORA_AUTOFIX_MAX_FLEET_RESTARTS: "-1" }))).toThrow(
      /KORA_AUTOFIX_MAX_FLEET_RESTARTS must be at least 0/,
    );
  });
});

describe("the Fly read tools over several apps", () => {
  const THREE = { KORA_FLY_APPS: "shop-api,shop-worker,shop-cron" };
  const ctx = (vars: Record<string, string> = THREE, incident?: ToolContext["incident"]): ToolContext => {
    const e = withVars(vars);
    return {
      env: e,
      config: parseConfig(e),
      caller_session_id: "mcp:tests:apps",
      source: "mcp",
      now: () => new Date(),
      ...(incident ? { incident } : {}),
    };
  };
  const list = (input: Record<string, unknown>, c = ctx()) => {
    const tool = getTool("kora__list_fly_machines");
    if (!tool) throw new Error("no list tool");
    return tool.run(tool.input.parse(input), c);
  };
  const get = (input: Record<string, unknown>, c = ctx()) => {
    const tool = getTool("kora__get_fly_machine");
    if (!tool) throw new Error("no get tool");
    return tool.run(tool.input.parse(input), c);
  };

  beforeEach(async () => {
    await world.reset();
    await world.fly.machines([
      { app: "shop-api", id: "a0000000000001" },
      { app: "shop-worker", id: "b0000000000001" },
      { app: "shop-cron", id: "c0000000000001", state: "stopped" },
      { app: "kora-web", id: "d0000000000001" },
      { app: "kora-web-staging", id: "e0000000000001" },
    ]);
  });

  it("list every configured app by default, in order", async () => {
    const { content } = await list({});
    const apps = (content as { apps: { app: string; role?: string }[] }).apps;
    expect(apps.map((entry) => [entry.app, entry.role ?? null])).toEqual([
      ["shop-api", null],
      ["shop-worker", null],
      ["shop-cron", null],
      ["kora-web", "production"],
      ["kora-web-staging", "staging"],
    ]);
  });

  it("list one app by name, and still take `production` and `staging`", async () => {
    const named = (await list({ app: "shop-cron" })).content as { apps: { app: string; machines: { id: string }[] }[] };
    expect(named.apps.map((entry) => [entry.app, entry.machines.map((m) => m.id)])).toEqual([
      ["shop-cron", ["c0000000000001"]],
    ]);
    const production = (await list({ app: "production" })).content as { apps: { app: string }[] };
    expect(production.apps.map((entry) => entry.app)).toEqual(["kora-web"]);
    const staging = (await list({ app: "staging" })).content as { apps: { app: string }[] };
    expect(staging.apps.map((entry) => entry.app)).toEqual(["kora-web-staging"]);
  });

  it("refuse an app that is not configured, naming the ones that are, without calling Fly", async () => {
    const result = await list({ app: "someone-elses-app" });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("shop-api, shop-worker, shop-cron, kora-web, kora-web-staging");
    const machine = await get({ machine_id: "c0000000000001", app: "someone-elses-app" });
    expect(machine.isError).toBe(true);
    expect(await world.requests({ provider: "fly" })).toEqual([]);
  });

  it("get a machine by searching the apps in order, or in the app named", async () => {
    const searched = await get({ machine_id: "c0000000000001" });
    expect(searched.content).toMatchObject({ app: "shop-cron", machine: { state: "stopped" } });
    expect((await world.requests({ provider: "fly" })).map((r) => r.path.split("/")[3])).toEqual([
      "shop-api",
      "shop-worker",
      "shop-cron",
    ]);
    await world.reset();
    await world.fly.machines([{ app: "shop-cron", id: "c0000000000001" }]);
    const named = await get({ machine_id: "c0000000000001", app: "shop-cron" });
    expect(named.content).toMatchObject({ app: "shop-cron" });
    expect(await world.requests({ provider: "fly" })).toHaveLength(1);
  });

  it("during an investigation, get the wake's machine from the app the wake saw it in first", async () => {
    const incident = {
      incident_id: "wake:00000000-0000-4000-8000-000000000000",
      wake_id: "00000000-0000-4000-8000-000000000000",
      probe: "fly" as const,
      targets: [{ target: "c0000000000001", fly_app: "shop-cron" }],
    };
    const found = await get({ machine_id: "c0000000000001" }, ctx(THREE, incident));
    expect(found.content).toMatchObject({ app: "shop-cron" });
    expect(await world.requests({ provider: "fly" })).toHaveLength(1);
  });
});
