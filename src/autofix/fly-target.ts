import type { Config } from "../config";
import type { FixAction } from "../contracts";
import type { FlyClient, FlyError } from "../fly/client";
import type { Machine } from "../fly/machine";

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

export type FlyAction = FixAction;

/**
 * The right call for a state (docs/provider-apis.md §1): `start` brings back a stopped, suspended,
 * created or failed machine; `restart` is only for a started one. Anything in transition gets
 * nothing: someone (Fly, a deploy) is already moving it.
 */
export function chooseFlyAction(state: string): FlyAction | null {
  switch (state) {
    case "stopped":
    case "suspended":
    case "created":
    case "failed":
      return "start_machine";
    case "started":
      return "restart_machine";
    default:
      return null;
  }
}

const GONE_STATES = new Set(["destroyed", "destroying", "replaced", "migrated"]);

export function isGone(state: string): boolean {
  return GONE_STATES.has(state);
}
