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

const TRUTHY = new Set(["true", "1", "yes", "on"]);

/**
 * Read at call time, never cached, so flipping the variable takes effect on the next call.
 * Only `true/1/yes/on` (trimmed, any case) switch it on: a typo leaves autofix off (fail closed).
 */
export function isEnvelopeEnabled(probe: ProbeName, env: EnvelopeEnv): boolean {
  const value = env[FIX_ENVELOPES[probe].enable_env];
  return typeof value === "string" && TRUTHY.has(value.trim().toLowerCase());
}

/** The `envelope` field of a wake message (DESIGN §2). */
export function wakeEnvelope(probe: ProbeName, env: EnvelopeEnv): { enabled: boolean; fix_name: string | null } {
  return { enabled: isEnvelopeEnabled(probe, env), fix_name: FIX_ENVELOPES[probe].fix_name };
}
