import type { Config, KoraEnv } from "../config";

/**
 * The per-minute probe cycle (DESIGN §2). A second firing for the same `scheduledTime` does
 * nothing new: the cycle row is the claim.
 */
export async function runProbeCycle(env: KoraEnv, _config: Config, now: Date): Promise<{ ran: boolean }> {
  const claim = await env.DB.prepare(
    "INSERT INTO probe_cycles (scheduled_time, started_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
  )
    .bind(now.getTime(), new Date().toISOString())
    .run();
  return { ran: claim.meta.changes > 0 };
}
