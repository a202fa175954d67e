import { z } from "zod";
import type { KoraEnv } from "../config";

const whole = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? Number(value) : fallback))
    .pipe(z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(min).max(max));

/**
 * Tuning the probes need beyond DESIGN §9, read from the same environment. Optional: the
 * defaults keep a cycle well under its minute (every call bounded by the timeout, at most a
 * few calls in a row per target).
 */
export const ProbeSettings = z.object({
  /** Per provider call, counted from when the call gets a connection. */
  KORA_PROBE_TIMEOUT_MS: whole(8_000, 100, 25_000),
  /** Sentry: error events over the window above which the project is unhealthy. */
  KORA_SENTRY_ERROR_THRESHOLD: whole(50, 1, 1_000_000),
  KORA_SENTRY_WINDOW_MINUTES: whole(5, 1, 60),
});
export type ProbeSettings = z.infer<typeof ProbeSettings>;

export class ProbeSettingsError extends Error {
  override readonly name = "ProbeSettingsError";
}

export function parseProbeSettings(env: KoraEnv): ProbeSettings {
  const parsed = ProbeSettings.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ProbeSettingsError(`configuration error: ${String(issue?.path[0])} ${issue?.message ?? "is invalid"}`);
}
