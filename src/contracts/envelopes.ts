import { z } from "zod";
import type { ProbeName } from "./probes";

/**
 * Fix envelopes (DESIGN §4): what Kora may fix on its own, per probe, and the variable that
 * switches it on. Adding an envelope later is one entry here plus its executor.
 */
export interface FixEnvelope {
  /** The canonical fix name; `null` while the probe has no fix at all. */
  fix_name: string | null;
  enable_env: EnableEnvName;
  /** Accepted `action` values, each mapped to its canonical name. */
  actions: Readonly<Record<string, string>>;
}

export type EnableEnvName =
  | "KORA_PROBE_AUTOFIX_FLY_ENABLED"
  | "KORA_PROBE_AUTOFIX_SUPABASE_ENABLED"
  | "KORA_PROBE_AUTOFIX_VERCEL_ENABLED"
  | "KORA_PROBE_AUTOFIX_SENTRY_ENABLED"
  | "KORA_PROBE_AUTOFIX_DOPPLER_ENABLED";

export const FLY_RESTART_FIX = "restart_unhealthy_machine";

export const FIX_ENVELOPES: Readonly<Record<ProbeName, FixEnvelope>> = {
  fly: {
    fix_name: FLY_RESTART_FIX,
    enable_env: "KORA_PROBE_AUTOFIX_FLY_ENABLED",
    actions: { [FLY_RESTART_FIX]: FLY_RESTART_FIX, restart_machine: FLY_RESTART_FIX },
  },
  supabase: { fix_name: null, enable_env: "KORA_PROBE_AUTOFIX_SUPABASE_ENABLED", actions: {} },
  vercel: { fix_name: null, enable_env: "KORA_PROBE_AUTOFIX_VERCEL_ENABLED", actions: {} },
  sentry: { fix_name: null, enable_env: "KORA_PROBE_AUTOFIX_SENTRY_ENABLED", actions: {} },
  doppler: { fix_name: null, enable_env: "KORA_PROBE_AUTOFIX_DOPPLER_ENABLED", actions: {} },
};

/** The vars an envelope reads: the Worker's env, or any record of strings (tests, benches). */
export type EnvelopeEnv = Partial<Record<EnableEnvName, string | undefined>>;

/**
 * What an envelope's variable allows (DESIGN §12): `off` refuses at gate 2, `shadow` runs every
 * gate and stops before the first mutating call, `on` acts.
 */
export const EnvelopeMode = z.enum(["off", "shadow", "on"]);
export type EnvelopeMode = z.infer<typeof EnvelopeMode>;

const TRUTHY = new Set(["true", "1", "yes", "on"]);

/**
 * Read at call time, never cached, so flipping the variable takes effect on the next call.
 * Only `true/1/yes/on` (trimmed, any case) are `on` and only `shadow` is `shadow`: anything else,
 * a typo included, is `off` (fail closed).
 */
export function envelopeMode(probe: ProbeName, env: EnvelopeEnv): EnvelopeMode {
  const value = env[FIX_ENVELOPES[probe].enable_env];
  if (typeof value !== "string") return "off";
  const word = value.trim().toLowerCase();
  if (TRUTHY.has(word)) return "on";
  return word === "shadow" ? "shadow" : "off";
}

/** Whether Kora may act on its own right now: the mode is `on` (shadow acts on nothing). */
export function isEnvelopeEnabled(probe: ProbeName, env: EnvelopeEnv): boolean {
  return envelopeMode(probe, env) === "on";
}

/**
 * The `envelope` field of a wake message (DESIGN §2). `enabled` tells the model it may decide a
 * fix — true in shadow mode too, where the decision is recorded and held back. `mode` is added
 * only in shadow mode, so `off` and `on` keep DESIGN §2's shape; no `mode` means `enabled` says it all.
 */
export const WakeEnvelope = z.object({
  enabled: z.boolean(),
  fix_name: z.string().nullable(),
  mode: EnvelopeMode.optional(),
});
export type WakeEnvelope = z.infer<typeof WakeEnvelope>;

export function wakeEnvelope(probe: ProbeName, env: EnvelopeEnv): WakeEnvelope {
  const mode = envelopeMode(probe, env);
  const envelope = { enabled: mode !== "off", fix_name: FIX_ENVELOPES[probe].fix_name };
  return mode === "shadow" ? { ...envelope, mode } : envelope;
}

/**
 * The operator's pause (DESIGN §12): one switch in D1 that closes every envelope at once. It
 * only lowers what the variables allow; gate 2 reads it at call time.
 */
export type AutonomyPause =
  { paused: false } | { paused: true; paused_by: string; paused_at: string; reason: string | null };
