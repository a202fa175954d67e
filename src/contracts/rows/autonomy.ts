import { z } from "zod";
import { ProbeName } from "../probes";

/**
 * The rows of autonomy (DESIGN §12), written by src/autonomy/: the operator's pause switch and
 * the labels of shadow-mode decisions.
 */

/** Where a change of the switch came from. */
export const SwitchVia = z.enum(["api", "console", "slack"]);
export type SwitchVia = z.infer<typeof SwitchVia>;

const SwitchChange = z.object({
  /** The change's own key: its audit row is `autonomy_switch:<change_id>`, so a repeat adds nothing. */
  change_id: z.string(),
  via: SwitchVia,
  /** The operator's words, if given (bounded, redacted). */
  reason: z.string().nullable(),
});

/** `operator.autonomy_paused`: every envelope closed until resumed. */
export const AutonomyPausedDetails = SwitchChange.extend({
  paused_by: z.string(),
  paused_at: z.string(),
});
export type AutonomyPausedDetails = z.infer<typeof AutonomyPausedDetails>;

/** `operator.autonomy_resumed`: the envelopes are back to what their variables say. */
export const AutonomyResumedDetails = SwitchChange.extend({
  resumed_by: z.string(),
  resumed_at: z.string(),
  /** When the pause this ends began. */
  paused_since: z.string().nullable(),
});
export type AutonomyResumedDetails = z.infer<typeof AutonomyResumedDetails>;

/** A signed `/kora` command from someone who may not change the switch: nothing changed. */
export const AutonomyCommandRefusedDetails = z.object({
  command: z.string(),
  text: z.string(),
  slack_user_id: z.string(),
  channel_id: z.string().nullable(),
  refusal_reason: z.enum(["not_operator", "operator_not_configured"]),
});
export type AutonomyCommandRefusedDetails = z.infer<typeof AutonomyCommandRefusedDetails>;

export const ShadowLabel = z.enum(["needed", "unneeded"]);
export type ShadowLabel = z.infer<typeof ShadowLabel>;

/**
 * `autofix.shadow_labeled`: what became of one shadowed decision. `needed` when the target was
 * still unhealthy `label_minutes` after it (`still_unhealthy`) or a fix was sent to it meanwhile
 * (`fixed`); `unneeded` when it recovered on its own first (`recovered`).
 */
export const ShadowLabeledDetails = z.object({
  /** The `tool.probe_autofix_attempted` row of the decision. */
  decision_id: z.string(),
  probe: ProbeName,
  target_id: z.string(),
  label: ShadowLabel,
  why: z.enum(["still_unhealthy", "fixed", "recovered"]),
  /** Minutes from the decision to the first cycle that saw the target healthy. */
  minutes_to_recovery: z.number().int().nonnegative().optional(),
  /** The fix that made it `fixed`: its row and who sent it. */
  fixed_by: z.object({ audit_id: z.string(), source: z.string() }).optional(),
  decided_at: z.string(),
  /** The scheduled time of the cycle that labeled it. */
  labeled_at: z.string(),
  label_minutes: z.number().int().positive(),
});
export type ShadowLabeledDetails = z.infer<typeof ShadowLabeledDetails>;
