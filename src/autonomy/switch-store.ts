import { z } from "zod";
import { recordAudit } from "../audit/record";
import { redactThenClip } from "../audit/redact";
import { secretValues, type KoraEnv } from "../config";
import { SwitchVia, type AutonomyPause } from "../contracts";

/**
 * The pause switch (DESIGN §12) in D1 (migrations/0004): read by gate 2 at every call, changed
 * by the operator through the API, the console or `/kora`. Every change is one
 * `operator.autonomy_paused` / `operator.autonomy_resumed` row keyed by the change's id.
 */

const SwitchRow = z.object({
  paused: z.union([z.literal(0), z.literal(1)]),
  change_id: z.string(),
  changed_by: z.string(),
  changed_at: z.string(),
  via: SwitchVia,
  reason: z.string().nullable(),
  paused_since: z.string().nullable(),
});

export interface SwitchChange {
  change_id: string;
  by: string;
  at: string;
  via: SwitchVia;
  reason: string | null;
}

export interface AutonomySwitch {
  paused: boolean;
  /** The change that put the switch where it is; `null` when nobody ever touched it. */
  last_change: SwitchChange | null;
  /** When the pause in force (or the last one) began. */
  paused_since: string | null;
}

const NEVER_TOUCHED: AutonomySwitch = { paused: false, last_change: null, paused_since: null };

export async function readAutonomySwitch(db: D1Database): Promise<AutonomySwitch> {
  const row = await db
    .prepare(
      `SELECT paused, change_id, changed_by, changed_at, via, reason, paused_since
       FROM autonomy_switch WHERE id = 1`,
    )
    .first();
  if (!row) return NEVER_TOUCHED;
  const parsed = SwitchRow.parse(row);
  return {
    paused: parsed.paused === 1,
    last_change: {
      change_id: parsed.change_id,
      by: parsed.changed_by,
      at: parsed.changed_at,
      via: parsed.via,
      reason: parsed.reason,
    },
    paused_since: parsed.paused_since,
  };
}

/** What gate 2 needs: paused or not, and by whom since when. */
export function pauseOf(state: AutonomySwitch): AutonomyPause {
  if (!state.paused || !state.last_change) return { paused: false };
  return {
    paused: true,
    paused_by: state.last_change.by,
    paused_at: state.paused_since ?? state.last_change.at,
    reason: state.last_change.reason,
  };
}

export async function readAutonomyPause(db: D1Database): Promise<AutonomyPause> {
  return pauseOf(await readAutonomySwitch(db));
}

export interface SwitchRequest {
  paused: boolean;
  /** Who asks: a Slack user id, or the name an API caller gave. */
  by: string;
  via: SwitchVia;
  reason?: string | null;
  /**
   * The request's own key when it can arrive twice (a replayed signed Slack request): a key
   * already used never changes the switch again. Otherwise a fresh id is made.
   */
  change_id?: string;
  /**
   * When the request was signed (unix seconds), for requests that can be held back and sent
   * later: one signed before the switch last changed never undoes that change.
   */
  signed_at?: number;
}

export type SwitchOutcome =
  | { kind: "changed"; state: AutonomySwitch }
  | { kind: "unchanged"; state: AutonomySwitch }
  /** The same request again: nothing changed. */
  | { kind: "replayed"; state: AutonomySwitch }
  /** Signed before the switch's last change: nothing changed. */
  | { kind: "superseded"; state: AutonomySwitch };

export const REASON_MAX_CHARS = 300;

/**
 * Pauses or resumes. Idempotent: asking for the state the switch is already in changes nothing
 * and writes nothing new. The conditional write decides the race between two requests (only
 * the one that changed the row writes its audit row). If that row's write fails after its
 * retries, the error surfaces; repeating the request (now a no-op) writes the missing row
 * under the same key, so the change is never left without its row.
 */
export async function changeAutonomySwitch(env: KoraEnv, request: SwitchRequest, now: Date): Promise<SwitchOutcome> {
  if (request.change_id && (await changeRecorded(env.DB, request.change_id))) {
    return { kind: "replayed", state: await readAutonomySwitch(env.DB) };
  }
  if (request.signed_at !== undefined) {
    const before = await readAutonomySwitch(env.DB);
    const lastChange = before.last_change ? Math.floor(Date.parse(before.last_change.at) / 1000) : null;
    if (lastChange !== null && request.signed_at < lastChange) return { kind: "superseded", state: before };
  }
  const change: SwitchChange = {
    change_id: request.change_id ?? crypto.randomUUID(),
    by: redactThenClip(request.by, secretValues(env), 100),
    at: now.toISOString(),
    via: request.via,
    reason: request.reason ? redactThenClip(request.reason, secretValues(env), REASON_MAX_CHARS) : null,
  };
  const changed = request.paused ? await writePause(env.DB, change) : await writeResume(env.DB, change);
  const state = await readAutonomySwitch(env.DB);
  await recordSwitchChange(env, state, now);
  return { kind: changed ? "changed" : "unchanged", state };
}

async function writePause(db: D1Database, change: SwitchChange): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO autonomy_switch (id, paused, change_id, changed_by, changed_at, via, reason, paused_since)
       VALUES (1, 1, ?1, ?2, ?3, ?4, ?5, ?3)
       ON CONFLICT (id) DO UPDATE SET paused = 1, change_id = ?1, changed_by = ?2, changed_at = ?3, via = ?4,
         reason = ?5, paused_since = ?3
       WHERE autonomy_switch.paused = 0`,
    )
    .bind(change.change_id, change.by, change.at, change.via, change.reason)
    .run();
  return result.meta.changes > 0;
}

/** Never paused means nothing to resume: no row is created for it. */
async function writeResume(db: D1Database, change: SwitchChange): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE autonomy_switch SET paused = 0, change_id = ?1, changed_by = ?2, changed_at = ?3, via = ?4, reason = ?5
       WHERE id = 1 AND paused = 1`,
    )
    .bind(change.change_id, change.by, change.at, change.via, change.reason)
    .run();
  return result.meta.changes > 0;
}

/** The row of the change the switch holds now; inserts nothing when it is already there. */
async function recordSwitchChange(env: KoraEnv, state: AutonomySwitch, now: Date): Promise<void> {
  const change = state.last_change;
  if (!change) return;
  const common = {
    id: switchAuditId(change.change_id),
    caller_session_id: AUTONOMY_SESSION,
    source: "operator",
  } as const;
  const shared = { change_id: change.change_id, via: change.via, reason: change.reason };
  if (state.paused) {
    await recordAudit(
      env,
      {
        ...common,
        seam: "operator.autonomy_paused",
        details: { ...shared, paused_by: change.by, paused_at: change.at },
      },
      now,
    );
  } else {
    await recordAudit(
      env,
      {
        ...common,
        seam: "operator.autonomy_resumed",
        details: { ...shared, resumed_by: change.by, resumed_at: change.at, paused_since: state.paused_since },
      },
      now,
    );
  }
}

/** Every change of the switch shares one session: `/api/sessions/autonomy:switch/timeline` is its history. */
export const AUTONOMY_SESSION = "autonomy:switch";

const switchAuditId = (changeId: string) => `autonomy_switch:${changeId}`;

async function changeRecorded(db: D1Database, changeId: string): Promise<boolean> {
  const row = await db
    .prepare(`SELECT 1 AS found FROM audit_events WHERE id = ?1`)
    .bind(switchAuditId(changeId))
    .first();
  return row !== null;
}
