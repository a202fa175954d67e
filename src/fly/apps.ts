import type { Config } from "../config";
import type { FlyClient, FlyError } from "./client";
import type { Machine } from "./machine";

/** The Fly apps Kora watches, production first; read tools never look outside them. */
export function configuredFlyApps(config: Config): { app: string; role: "production" | "staging" }[] {
  const apps: { app: string; role: "production" | "staging" }[] = [];
  if (config.KORA_FLY_APP_NAME) apps.push({ app: config.KORA_FLY_APP_NAME, role: "production" });
  if (config.KORA_FLY_STAGING_APP_NAME) apps.push({ app: config.KORA_FLY_STAGING_APP_NAME, role: "staging" });
  return apps;
}

/** Where gate 5 looked for a target, and what it found. */
export type TargetLookup =
  | { kind: "found"; app: string; machine: Machine }
  | { kind: "not_found"; apps_checked: string[] }
  | { kind: "error"; app: string; error: FlyError };

/**
 * Production first, then staging. A lookup that fails (rather than answering 404) stops the
 * search: the machine may well be in that app, and guessing the other one would act blind.
 */
export async function findTargetMachine(
  client: FlyClient,
  config: Pick<Config, "KORA_FLY_APP_NAME" | "KORA_FLY_STAGING_APP_NAME">,
  targetId: string,
): Promise<TargetLookup> {
  const apps = [config.KORA_FLY_APP_NAME, config.KORA_FLY_STAGING_APP_NAME].filter(
    (app): app is string => typeof app === "string" && app.length > 0,
  );
  for (const app of apps) {
    const result = await client.getMachine(app, targetId);
    if (result.ok) return { kind: "found", app, machine: result.value };
    if (result.error.kind !== "not_found") return { kind: "error", app, error: result.error };
  }
  return { kind: "not_found", apps_checked: apps };
}
