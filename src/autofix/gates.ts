import { ProbeName } from "../contracts";
import { FIX_ENVELOPES, isEnvelopeEnabled, type EnvelopeEnv, type FixEnvelope } from "../contracts";

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
  | { ok: false; rejection_reason: "action_not_allowed"; rejection_detail: { allowed_actions: string[] } }
  | { ok: false; rejection_reason: "invalid_target_id"; rejection_detail: { pattern: string; length: number } };

export interface GatePass {
  ok: true;
  probe: ProbeName;
  envelope: FixEnvelope;
  action_canonical: string;
  target_id: string;
}

export type GateResult = GatePass | GateRejection;

export interface GateOptions {
  /** The vars read for gate 2, at the moment of the call. */
  env: EnvelopeEnv;
  /** An operator's approval stands in for the envelope: only gate 2 is skipped. */
  skipEnvelopeGate?: boolean;
}

export function runAutofixGates(request: Omit<AutofixRequest, "reason">, options: GateOptions): GateResult {
  const probe = ProbeName.safeParse(request.probe);
  if (!probe.success) {
    return { ok: false, rejection_reason: "unknown_probe", rejection_detail: { allowed_probes: ProbeName.options } };
  }
  const envelope = FIX_ENVELOPES[probe.data];
  if (!options.skipEnvelopeGate && !isEnvelopeEnabled(probe.data, options.env)) {
    return {
      ok: false,
      rejection_reason: "envelope_disabled",
      rejection_detail: { enable_env: envelope.enable_env, fix_name: envelope.fix_name },
    };
  }
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
  return { ok: true, probe: probe.data, envelope, action_canonical: canonical, target_id: request.target_id };
}
