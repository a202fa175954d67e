import { createFlyClient, type FlyClient } from "../../fly/client";
import { configuredFlyAppNames } from "../../fly/apps";
import type { Machine } from "../../fly/machine";
import { judgeMachine, machineDetail, needsEvents } from "../../fly/machine-health";
import { result, skipped, type Probe } from "./probe-result";
import type { ProbeResult } from "../../contracts";

/**
 * The first version's two app slots. While `KORA_FLY_APPS` is unset, an empty slot is reported as
 * `skipped` with the variable that fills it, as it always was; with `KORA_FLY_APPS` the list is
 * the configuration and an unused slot is not a gap.
 */
const LEGACY_SLOTS = [
  { variable: "KORA_FLY_APP_NAME", placeholder: "production-app" },
  { variable: "KORA_FLY_STAGING_APP_NAME", placeholder: "staging-app" },
] as const;

/**
 * Fly machines of every configured app (`KORA_FLY_APPS`, then the production and staging
 * variables): one result per machine, plus one per app saying whether the app could be listed at
 * all (that row carries the probe's `error`). Each machine's detail names its app, which the wake
 * carries to gate 5.
 */
export const probeFly: Probe = async ({ config, fetch, now }) => {
  const apps = configuredFlyAppNames(config);
  const unset =
    config.KORA_FLY_APPS.length > 0
      ? []
      : LEGACY_SLOTS.filter((slot) => !config[slot.variable]).map((slot) =>
          skipped("fly", slot.placeholder, [slot.variable], now),
        );
  if (!config.KORA_FLY_API_TOKEN) {
    return [...apps.map((app) => skipped("fly", app, ["KORA_FLY_API_TOKEN"], now)), ...unset];
  }
  // Our probe fetch owns the per-call timeout (from when a call gets its connection); the
  // client's own bound is only a backstop.
  const client = createFlyClient(config, { fetch, timeoutMs: config.KORA_PROBE_TIMEOUT_MS * 4 });
  return [...(await probeFlyApps(client, apps, now)), ...unset];
};

export async function probeFlyApps(client: FlyClient, apps: string[], now: Date): Promise<ProbeResult[]> {
  const perApp = await Promise.all(apps.map((app) => probeFlyApp(client, app, now)));
  return perApp.flat();
}

/** One list call per app; a machine whose listing cannot explain a stop is read on its own. */
async function probeFlyApp(client: FlyClient, app: string, now: Date): Promise<ProbeResult[]> {
  const listed = await client.listMachines(app);
  if (!listed.ok) return [result("fly", app, "error", { summary: listed.error.message, kind: listed.error.kind }, now)];

  const machines = await Promise.all(listed.value.map((machine) => withEvents(client, app, machine)));
  const results = machines.map((machine) => {
    const verdict = judgeMachine(machine, now);
    return result("fly", machine.id, verdict.status, machineDetail(app, machine, verdict), now);
  });
  const unhealthy = results.filter((r) => r.status === "unhealthy").length;
  const appSummary = `${app}: ${machines.length} machine${machines.length === 1 ? "" : "s"}, ${unhealthy} unhealthy`;
  return [
    result("fly", app, "healthy", { summary: appSummary, machines: machines.length, unhealthy }, now),
    ...results,
  ];
}

async function withEvents(client: FlyClient, app: string, machine: Machine): Promise<Machine> {
  if (!needsEvents(machine)) return machine;
  const full = await client.getMachine(app, machine.id);
  // If the detail read fails, judge on what the list said rather than drop the machine.
  return full.ok ? full.value : machine;
}
