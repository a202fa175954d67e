import type { WakeMessageV2 } from "../../src/contracts";
import { world } from "../world";

/**
 * A v2 wake naming `targets`, as the probe cycle sends it (a storm of one probe in one cycle is one
 * wake). Built here rather than by the cycle so a test can say exactly what the model was asked about.
 */
export function wakeOf(targets: { target: string; fly_app?: string }[], envelopeOn = true): WakeMessageV2 {
  const wakeId = crypto.randomUUID();
  const [first] = targets;
  if (!first) throw new Error("a wake needs a target");
  const detail = (target: string, app?: string) => ({
    summary: `${app ?? "?"}/${target} stopped: crashed with exit code 1`,
    reason: "crashed",
    ...(app ? { app } : {}),
  });
  return {
    v: 2,
    kind: "wake",
    wake_id: wakeId,
    caller_session_id: `wake:${wakeId}`,
    probe: "fly",
    target: first.target,
    status: "unhealthy",
    observed_at: new Date().toISOString(),
    consecutive_unhealthy: 2,
    detail: detail(first.target, first.fly_app),
    envelope: { enabled: envelopeOn, fix_name: "restart_unhealthy_machine" },
    targets: targets.map(({ target, fly_app }) => ({
      target,
      status: "unhealthy",
      consecutive_unhealthy: 2,
      detail: detail(target, fly_app),
      ...(fly_app ? { fly_app } : {}),
    })),
  };
}

let toolUseSeq = 0;

/** One scripted model turn calling `kora__attempt_probe_autofix` on each machine named. */
export function fixTurn(targets: string[], reason = "the machine crashed; restarting it is the envelope's fix") {
  return {
    content: targets.map((target_id) => ({
      type: "tool_use",
      id: `toolu_fix${String(++toolUseSeq).padStart(8, "0")}`,
      name: "kora__attempt_probe_autofix",
      input: { probe: "fly", action: "restart_machine", target_id, reason },
    })),
  };
}

/** The model's last turn: a summary and no tool call. */
export const summaryTurn = (text = "Done; the results are in the tool answers.") => ({
  content: [{ type: "text", text }],
});

/** Scripts the model for one investigation: the given turns, then a summary. */
export const scriptModel = (...turns: ReturnType<typeof fixTurn>[]) =>
  world.anthropic.script([...turns, summaryTurn()]);
