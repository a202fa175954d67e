import type { FixAction } from "../contracts";

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
