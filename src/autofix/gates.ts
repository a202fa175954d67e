import { ProbeName } from "../contracts";
import { envelopeMode, FIX_ENVELOPES, type AutonomyPause, type EnvelopeEnv, type FixEnvelope } from "../contracts";

/**
 * Gates 1–4 of DESIGN §4: pure, no I/O, stop at the first that fails, and name every refusal
 * with a tagged reason. Gate 5 needs Fly and the audit log, so it lives in the executor.
 */

export interface AutofixRequest {
  probe: string;
  action: string;
  target_id: string;
  reason: string;
}

export const TARGET_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type GateRejection =
  | { ok: false; rejection_reason: "unknown_probe"; rejection_detail: { allowed_probes: readonly string[] } }
  | {
      ok: false;
      rejection_reason: "envelope_disabled";
      rejection_detail: { enable_env: string; fix_name: string | null };
    }
  | { ok: false; rejection_reason: "autonomy_paused"; rejection_detail: { paused_by: string; paused_at: string } }
  | { ok: false; rejection_reason: "action_not_allowed"; rejection_detail: { allowed_actions: string[] } }
  | { ok: false; rejection_reason: "invalid_target_id"; rejection_detail: { pattern: string; length: number } };

export interface GatePass {
  ok: true;
  probe: ProbeName;
  envelope: FixEnvelope;
  action_canonical: string;
  target_id: string;
  /** `shadow`: the executor runs gate 5 and stops before the first mutating call (DESIGN §12). */
  mode: "on" | "shadow";
}

export type GateResult = GatePass | GateRejection;

export type GateOptions =
  | {
      /** The vars read for gate 2, at the moment of the call. */
      env: EnvelopeEnv;
      /** The operator's pause, read from D1 at the moment of the call. */
      pause: AutonomyPause;
      skipEnvelopeGate?: false;
    }
  /** An operator's approval stands in for the envelope and the pause: only gate 2 is skipped, and it acts. */
  | { env?: EnvelopeEnv; skipEnvelopeGate: true };

export function runAutofixGates(request: Omit<AutofixRequest, "reason">, options: GateOptions): GateResult {
  const probe = ProbeName.safeParse(request.probe);
  if (!probe.success) {
    return { ok: false, rejection_reason: "unknown_probe", rejection_detail: { allowed_probes: ProbeName.options } };
  }
  const envelope = FIX_ENVELOPES[probe.data];
  const gate2 = options.skipEnvelopeGate
    ? { ok: true as const, mode: "on" as const }
    : envelopeGate(probe.data, options);
  if (!gate2.ok) return gate2;
  // Own properties only: "constructor" or "__proto__" must not pass as an action.
  const canonical = Object.hasOwn(envelope.actions, request.action) ? envelope.actions[request.action] : undefined;
  if (canonical === undefined) {
    return {
      ok: false,
      rejection_reason: "action_not_allowed",
      rejection_detail: { allowed_actions: Object.keys(envelope.actions) },
    };
  }
  if (!TARGET_ID_PATTERN.test(request.target_id)) {
    return {
      ok: false,
      rejection_reason: "invalid_target_id",
      rejection_detail: { pattern: TARGET_ID_PATTERN.source, length: [...request.target_id].length },
    };
  }
  return {
    ok: true,
    probe: probe.data,
    envelope,
    action_canonical: canonical,
    target_id: request.target_id,
    mode: gate2.mode,
  };
}

/** Gate 2: the variable's mode, then the pause, which can only lower it (DESIGN §12). */
function envelopeGate(
  probe: ProbeName,
  options: { env: EnvelopeEnv; pause: AutonomyPause },
):
  | { ok: true; mode: "on" | "shadow" }
  | Extract<GateRejection, { rejection_reason: "envelope_disabled" | "autonomy_paused" }> {
  const envelope = FIX_ENVELOPES[probe];
  const mode = envelopeMode(probe, options.env);
  if (mode === "off") {
    return {
      ok: false,
      rejection_reason: "envelope_disabled",
      rejection_detail: { enable_env: envelope.enable_env, fix_name: envelope.fix_name },
    };
  }
  if (options.pause.paused) {
    return {
      ok: false,
      rejection_reason: "autonomy_paused",
      rejection_detail: { paused_by: options.pause.paused_by, paused_at: options.pause.paused_at },
    };
  }
  return { ok: true, mode };
}
