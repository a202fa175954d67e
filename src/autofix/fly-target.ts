import type { FixAction } from "../contracts";
import type { Machine } from "../fly/machine";
import { judgeMachine, type MachineVerdict } from "../fly/machine-health";

export type FlyAction = FixAction;

const GONE_STATES = new Set(["destroyed", "destroying", "replaced", "migrated"]);

export type FlyPlan =
  | { kind: "act"; action: FlyAction; verdict: MachineVerdict }
  | {
      kind: "refuse";
      rejection_reason:
        "target_not_found" | "target_already_started" | "target_not_unhealthy" | "target_busy" | "action_not_allowed";
      rejection_detail: Record<string, unknown>;
    }
  /** Fly answered without a state: no decision can be made from that read. */
  | { kind: "unreadable" };

/**
 * Gate 5's state question, pure, asked of a fresh read under Kora's lease: is this machine a
 * target, and which call brings it back (docs/provider-apis.md §1)? The Fly probe's own rule
 * (`judgeMachine`) decides "unhealthy", so Kora never acts on what the probe calls healthy:
 * - started and healthy → `target_already_started`; stopped on purpose (autostop, requested stop,
 *   clean exit), standby, suspended or never started → `target_not_unhealthy`;
 * - started with a critical check or an unreachable host (hung: Fly never restarts it for that)
 *   → `restart`; stopped or suspended after a crash, an OOM kill or an unexplained stop → `start`;
 * - `failed` → refused: Fly's docs say only that such a machine "may be recoverable", nothing
 *   says what a start does to it, and a start seen in the wild never reached `started`; what
 *   brings it back is an update (a new version) or a person, both outside the envelope;
 * - in a transition, wedged or not → `target_busy`: someone (Fly, a deploy) is already moving it.
 */
export function planFlyFix(machine: Machine, app: string, now: Date): FlyPlan {
  const state = machine.state;
  if (state === undefined) return { kind: "unreadable" };
  if (GONE_STATES.has(state)) {
    return { kind: "refuse", rejection_reason: "target_not_found", rejection_detail: { fly_app: app, state } };
  }
  const verdict = judgeMachine(machine, now);
  const detail = { fly_app: app, state, judged: verdict.reason };
  if (verdict.status === "error") return { kind: "unreadable" };
  if (verdict.reason === "transitioning" || verdict.reason === "wedged") {
    return { kind: "refuse", rejection_reason: "target_busy", rejection_detail: { why: "in_transition", ...detail } };
  }
  if (verdict.status === "healthy") {
    return state === "started"
      ? { kind: "refuse", rejection_reason: "target_already_started", rejection_detail: detail }
      : { kind: "refuse", rejection_reason: "target_not_unhealthy", rejection_detail: detail };
  }
  switch (state) {
    case "started":
      return { kind: "act", action: "restart_machine", verdict };
    case "stopped":
    case "suspended":
      return { kind: "act", action: "start_machine", verdict };
    default:
      return {
        kind: "refuse",
        rejection_reason: "action_not_allowed",
        rejection_detail: { why: "no_envelope_action_for_state", allowed_actions: [], ...detail },
      };
  }
}
