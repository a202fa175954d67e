import { z } from "zod";
import type { Config, KoraEnv } from "../config";

const HOUR_MS = 60 * 60 * 1000;

export interface RestartBudget {
  max: number;
  used: number;
  left: number;
  window_started_at: string;
}

/** `KORA_AUTOFIX_MAX_RESTARTS` per machine in the hour before `now`, counted from the audit log. */
export async function readRestartBudget(
  env: Pick<KoraEnv, "DB">,
  config: Pick<Config, "KORA_AUTOFIX_MAX_RESTARTS">,
  targetId: string,
  now: Date,
): Promise<RestartBudget> {
  const since = new Date(now.getTime() - HOUR_MS).toISOString();
  const used = await countFixActionsSince(env.DB, targetId, since);
  const max = config.KORA_AUTOFIX_MAX_RESTARTS;
  return { max, used, left: Math.max(0, max - used), window_started_at: since };
}

/** How many fixes a target has left this hour (the DM's "fix budget left"). */
export async function restartsLeftThisHour(
  env: Pick<KoraEnv, "DB">,
  config: Pick<Config, "KORA_AUTOFIX_MAX_RESTARTS">,
  targetId: string,
  now: Date,
): Promise<number> {
  return (await readRestartBudget(env, config, targetId, now)).left;
}

/**
 * Fix actions Kora sent to a target since `sinceIso`: one per `tool.probe_autofix_attempted` row
 * that carries `action_taken`. A refusal sends nothing, so it does not spend budget; a failed call
 * may still have reached Fly, so it does.
 */
export async function countFixActionsSince(db: D1Database, targetId: string, sinceIso: string): Promise<number> {
  const row = await db
    .prepare(
      `SELECT COUNT(*) AS n FROM audit_events
       WHERE seam = 'tool.probe_autofix_attempted' AND emitted_at >= ?1
         AND json_extract(details, '$.target_id') = ?2
         AND json_extract(details, '$.action_taken') IS NOT NULL`,
    )
    .bind(sinceIso, targetId)
    .first();
  return z.object({ n: z.number().int() }).parse(row).n;
}
