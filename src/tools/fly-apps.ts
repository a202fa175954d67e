import type { Config } from "../config";
import type { FlyError } from "../fly/client";
import { machineSnapshot, type Machine } from "../fly/machine";

/** The Fly apps Kora watches, production first; read tools never look outside them. */
export function configuredFlyApps(config: Config): { app: string; role: "production" | "staging" }[] {
  const apps: { app: string; role: "production" | "staging" }[] = [];
  if (config.KORA_FLY_APP_NAME) apps.push({ app: config.KORA_FLY_APP_NAME, role: "production" });
  if (config.KORA_FLY_STAGING_APP_NAME) apps.push({ app: config.KORA_FLY_STAGING_APP_NAME, role: "staging" });
  return apps;
}

/** What the model needs of a machine: state and health, not its whole config. */
export function machineSummary(machine: Machine) {
  return {
    ...machineSnapshot(machine),
    updated_at: machine.updated_at ?? null,
    checks: machine.checks.map((check) => ({ name: check.name, status: check.status })),
  };
}

export function flyErrorContent(app: string, error: FlyError) {
  return { app, error: { kind: error.kind, message: error.message } };
}
