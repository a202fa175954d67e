import type { Config } from "../config";
import type { FlyError } from "../fly/client";
import { configuredFlyApps, type FlyApp } from "../fly/apps";
import { machineSnapshot, type Machine } from "../fly/machine";

/** What the model needs of a machine: state and health, not its whole config. */
export function machineSummary(machine: Machine) {
  return {
    ...machineSnapshot(machine),
    updated_at: machine.updated_at ?? null,
    host_status: machine.host_status ?? null,
    checks: machine.checks.map((check) => ({ name: check.name ?? null, status: check.status ?? null })),
  };
}

export function flyErrorContent(app: string, error: FlyError) {
  return { app, error: { kind: error.kind, message: error.message } };
}

/**
 * The configured apps a read tool's `app` names: `all`, a role of the first version
 * (`production`, `staging`), or one configured app by name. Never an app outside the list:
 * a caller cannot point Kora's Fly token at an app it was not given.
 */
export function selectFlyApps(
  config: Config,
  wanted: string,
): { ok: true; apps: FlyApp[] } | { ok: false; error: string } {
  const apps = configuredFlyApps(config);
  if (apps.length === 0) {
    return {
      ok: false,
      error: "no Fly app is configured (KORA_FLY_APPS, KORA_FLY_APP_NAME or KORA_FLY_STAGING_APP_NAME)",
    };
  }
  if (wanted === "all") return { ok: true, apps };
  const selected = apps.filter((entry) => entry.role === wanted || entry.app === wanted);
  if (selected.length > 0) return { ok: true, apps: selected };
  const names = apps.map((entry) => entry.app).join(", ");
  const role = wanted === "production" || wanted === "staging";
  return {
    ok: false,
    error: role
      ? `no Fly app is configured as ${wanted} (${wanted === "production" ? "KORA_FLY_APP_NAME" : "KORA_FLY_STAGING_APP_NAME"}); configured apps: ${names}`
      : `app must be \`all\`, \`production\`, \`staging\` or a configured Fly app (${names})`,
  };
}
