import { z } from "zod";
import { recordAudit } from "../audit/record";
import type { KoraEnv } from "../config";
import type { DmStatus, InvestigationCompletedDetails, WakeMessage } from "../contracts";

/**
 * A claim older than the consumer's wall-time limit (15 minutes) belongs to a worker that died:
 * it may be taken over. A live one can never be that old.
 */
export const STALE_CLAIM_MS = 15 * 60 * 1000;

export type ClaimResult =
  { kind: "claimed"; token: string } | { kind: "done" } | { kind: "running_elsewhere"; stale_at: Date };

const ClaimRow = z.object({ status: z.enum(["running", "done"]), claimed_at: z.string() });

/**
 * Takes the investigation of a wake, or says why not. One statement decides: a new row, or a
 * running claim that has gone stale, becomes ours; a done or live claim is left alone. Two
 * deliveries at once cannot both win, because D1 runs statements one at a time.
 */
export async function claimInvestigation(db: D1Database, wake: WakeMessage, now: Date): Promise<ClaimResult> {
  const token = crypto.randomUUID();
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS).toISOString();
  const won = await db
    .prepare(
      `INSERT INTO investigations (wake_id, caller_session_id, probe, target, status, claimed_at, claim_token)
       VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6)
       ON CONFLICT (wake_id) DO UPDATE SET claimed_at = excluded.claimed_at, claim_token = excluded.claim_token
         WHERE investigations.status = 'running' AND investigations.claimed_at < ?7
       RETURNING claim_token`,
    )
    .bind(wake.wake_id, wake.caller_session_id, wake.probe, wake.target, now.toISOString(), token, staleBefore)
    .first();
  if (z.object({ claim_token: z.string() }).safeParse(won).data?.claim_token === token) {
    return { kind: "claimed", token };
  }
  const row = ClaimRow.parse(
    await db.prepare("SELECT status, claimed_at FROM investigations WHERE wake_id = ?1").bind(wake.wake_id).first(),
  );
  if (row.status === "done") return { kind: "done" };
  return { kind: "running_elsewhere", stale_at: new Date(Date.parse(row.claimed_at) + STALE_CLAIM_MS) };
}

/** Marks the investigation done, only if the claim is still ours (a takeover wins otherwise). */
export async function completeInvestigation(
  db: D1Database,
  wakeId: string,
  token: string,
  result: { completed_at: Date; dm_status: DmStatus; model: string | null; cost_usd: number; summary: string },
): Promise<boolean> {
  const outcome = await db
    .prepare(
      `UPDATE investigations SET status = 'done', completed_at = ?3, dm_status = ?4, model = ?5, cost_usd = ?6, summary = ?7
       WHERE wake_id = ?1 AND claim_token = ?2 AND status = 'running'`,
    )
    .bind(
      wakeId,
      token,
      result.completed_at.toISOString(),
      result.dm_status,
      result.model,
      result.cost_usd,
      result.summary,
    )
    .run();
  return outcome.meta.changes > 0;
}

/**
 * Gives a claim back after this worker failed, so the retry can take it over at once instead of
 * waiting for it to go stale.
 */
export async function releaseClaim(db: D1Database, wakeId: string, token: string): Promise<void> {
  await db
    .prepare(
      `UPDATE investigations SET claimed_at = '1970-01-01T00:00:00.000Z'
       WHERE wake_id = ?1 AND claim_token = ?2 AND status = 'running'`,
    )
    .bind(wakeId, token)
    .run();
}

/** A wake that reached the dead-letter queue: closed, so the probe cycle may wake the target again. */
export async function closeDeadLetteredInvestigation(
  db: D1Database,
  wake: WakeMessage,
  now: Date,
  dmStatus: DmStatus,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO investigations (wake_id, caller_session_id, probe, target, status, claimed_at, claim_token, completed_at, dm_status, summary)
       VALUES (?1, ?2, ?3, ?4, 'done', ?5, 'dead-letter', ?5, ?6, 'dead-lettered')
       ON CONFLICT (wake_id) DO UPDATE SET status = 'done', completed_at = excluded.completed_at,
         dm_status = COALESCE(investigations.dm_status, excluded.dm_status),
         summary = COALESCE(investigations.summary, excluded.summary)
         WHERE investigations.status = 'running'`,
    )
    .bind(wake.wake_id, wake.caller_session_id, wake.probe, wake.target, now.toISOString(), dmStatus)
    .run();
}

/**
 * An investigation's last two writes, for the model's run and a follow-up alike: its
 * `probe.investigation_completed` row (keyed by the wake, so a redelivery writes nothing new),
 * then the claim marked done with the row's outcome.
 */
export async function finishInvestigation(
  env: KoraEnv,
  wake: WakeMessage,
  token: string,
  finished: Date,
  details: Omit<InvestigationCompletedDetails, "wake_id" | "probe" | "target">,
): Promise<void> {
  await recordAudit(
    env,
    {
      id: `investigation_completed:${wake.wake_id}`,
      seam: "probe.investigation_completed",
      caller_session_id: wake.caller_session_id,
      source: "system",
      details: { wake_id: wake.wake_id, probe: wake.probe, target: wake.target, ...details },
    },
    finished,
  );
  await completeInvestigation(env.DB, wake.wake_id, token, {
    completed_at: finished,
    dm_status: details.dm_status,
    model: details.model,
    cost_usd: details.cost_usd,
    summary: details.summary,
  });
}
