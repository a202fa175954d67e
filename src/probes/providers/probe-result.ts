import { z } from "zod";
import type { Config } from "../../config";
import type { ProbeName } from "../../contracts/wake";

export const ProbeStatus = z.enum(["healthy", "unhealthy", "error", "skipped"]);
export type ProbeStatus = z.infer<typeof ProbeStatus>;

/**
 * What an operator reads about one target. `summary` is always there (one line); the other
 * fields are small facts (state, exit code, counts) rather than raw provider payloads.
 */
export const ProbeDetail = z.looseObject({ summary: z.string() });
export type ProbeDetail = z.infer<typeof ProbeDetail>;

/** One result per target per cycle (DESIGN §2). */
export interface ProbeResult {
  probe: ProbeName;
  target: string;
  status: ProbeStatus;
  detail: ProbeDetail;
  observed_at: string;
}

/** A probe is `(config, fetch, now) → results`; a provider's fault is an `error` result, not a throw. */
export type Probe = (context: ProbeContext) => Promise<ProbeResult[]>;

export interface ProbeContext {
  config: Config;
  fetch: typeof fetch;
  now: Date;
}

export function result(
  probe: ProbeName,
  target: string,
  status: ProbeStatus,
  detail: ProbeDetail,
  now: Date,
): ProbeResult {
  return { probe, target, status, detail, observed_at: now.toISOString() };
}

/** Not configured: names every missing variable so the operator knows what to set. */
export function skipped(probe: ProbeName, target: string, missing: string[], now: Date): ProbeResult {
  return result(probe, target, "skipped", { summary: `not configured: set ${missing.join(", ")}`, missing }, now);
}

/** Lists the names whose values are unset, in the order given. */
export function missingVariables(values: Record<string, string | undefined>): string[] {
  return Object.entries(values)
    .filter(([, value]) => !value)
    .map(([name]) => name);
}
