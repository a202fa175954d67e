import { z } from "zod";

/** The five probes of DESIGN §2: the names gate 1, the wake message and the console share. */
export const PROBES = ["fly", "supabase", "vercel", "sentry", "doppler"] as const;
export const ProbeName = z.enum(PROBES);
export type ProbeName = z.infer<typeof ProbeName>;

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
