import type { Config } from "../config";
import type { FlyClient, FlyError } from "./client";
import type { Machine } from "./machine";

type AppsConfig = Pick<Config, "KORA_FLY_APPS" | "KORA_FLY_APP_NAME" | "KORA_FLY_STAGING_APP_NAME">;

/** The two roles the first version named; an app listed only in `KORA_FLY_APPS` has none. */
export type FlyAppRole = "production" | "staging";

export interface FlyApp {
  app: string;
  role?: FlyAppRole;
}

/**
 * The Fly apps Kora watches and may fix, in search order: `KORA_FLY_APPS` first, then
 * `KORA_FLY_APP_NAME` (production) and `KORA_FLY_STAGING_APP_NAME` (staging), each app once.
 * The probe, the read tools and gate 5 all take their apps from here and never look outside them.
 */
export function configuredFlyApps(config: AppsConfig): FlyApp[] {
  const roles = new Map<string, FlyAppRole>();
  if (config.KORA_FLY_APP_NAME) roles.set(config.KORA_FLY_APP_NAME, "production");
  if (config.KORA_FLY_STAGING_APP_NAME && !roles.has(config.KORA_FLY_STAGING_APP_NAME)) {
    roles.set(config.KORA_FLY_STAGING_APP_NAME, "staging");
  }
  const ordered = [...config.KORA_FLY_APPS, config.KORA_FLY_APP_NAME, config.KORA_FLY_STAGING_APP_NAME];
  const apps: FlyApp[] = [];
  for (const app of ordered) {
    if (!app || apps.some((entry) => entry.app === app)) continue;
    const role = roles.get(app);
    apps.push(role ? { app, role } : { app });
  }
  return apps;
}

export function configuredFlyAppNames(config: AppsConfig): string[] {
  return configuredFlyApps(config).map((entry) => entry.app);
}

/** Where a read looked for a machine, and what it found. */
export type MachineLookup =
  | { kind: "found"; app: string; machine: Machine }
  | { kind: "not_found"; apps_checked: string[] }
  | { kind: "error"; app: string; error: FlyError };

/**
 * Reads one machine, trying `apps` in order. A lookup that fails (rather than answering 404)
 * stops the search: the machine may well be in that app, and guessing another would act blind.
 */
export async function findMachine(client: FlyClient, apps: readonly string[], id: string): Promise<MachineLookup> {
  for (const app of apps) {
    const result = await client.getMachine(app, id);
    if (result.ok) return { kind: "found", app, machine: result.value };
    if (result.error.kind !== "not_found") return { kind: "error", app, error: result.error };
  }
  return { kind: "not_found", apps_checked: [...apps] };
}
