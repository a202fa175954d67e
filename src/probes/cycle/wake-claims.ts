import type { PlannedWake, Step } from "./plan";
import { stateValues } from "./state";

/**
 * The wake claim (issue 15, item 8): before a wake is sent, each of its targets is claimed with
 * one conditional write on its `probe_state` row — it must still carry the last wake this cycle
 * read (or the very wake being claimed, for a re-run of the minute). Two cycles in flight that
 * both decided to wake a target cannot both win it, so it is woken once; the loser drops it.
 */
function claimStatement(db: D1Database, wake: PlannedWake, member: Step, nowIso: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO probe_state
         (probe, target, last_status, last_detail, last_observed_at, consecutive_unhealthy, status_since,
          unhealthy_since, last_wake_at, last_wake_id, last_wake_kind, incident_id)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
       ON CONFLICT (probe, target) DO UPDATE SET
         last_wake_at = excluded.last_wake_at, last_wake_id = excluded.last_wake_id,
         last_wake_kind = excluded.last_wake_kind, incident_id = excluded.incident_id
       WHERE probe_state.last_wake_id IS ?13 OR probe_state.last_wake_id = excluded.last_wake_id`,
    )
    .bind(
      ...stateValues(member.result, member.next.state),
      nowIso,
      wake.wake_id,
      wake.kind,
      wake.incident_id,
      member.previous?.last_wake_id ?? null,
    );
}

/** Gives a claim back when its wake could not be sent, so the next cycle decides afresh. */
function releaseStatement(db: D1Database, wake: PlannedWake, member: Step): D1PreparedStatement {
  const before = member.previous;
  return db
    .prepare(
      `UPDATE probe_state SET last_wake_at = ?4, last_wake_id = ?5, last_wake_kind = ?6, incident_id = ?7
       WHERE probe = ?1 AND target = ?2 AND last_wake_id = ?3`,
    )
    .bind(
      member.result.probe,
      member.result.target,
      wake.wake_id,
      before?.last_wake_at ?? null,
      before?.last_wake_id ?? null,
      before?.last_wake_kind ?? null,
      before?.incident_id ?? null,
    );
}

/**
 * Claims every target of every wake in one transaction and keeps, per wake, the targets this
 * cycle won. A wake left with none is not sent at all.
 */
export async function claimWakes(db: D1Database, wakes: PlannedWake[], now: Date): Promise<PlannedWake[]> {
  const pairs = wakes.flatMap((wake) => wake.members.map((member) => ({ wake, member })));
  if (pairs.length === 0) return [];
  const results = await db.batch(pairs.map(({ wake, member }) => claimStatement(db, wake, member, now.toISOString())));
  const won = new Map<string, Step[]>();
  pairs.forEach(({ wake, member }, index) => {
    if ((results[index]?.meta.changes ?? 0) > 0) won.set(wake.wake_id, [...(won.get(wake.wake_id) ?? []), member]);
  });
  return wakes.flatMap((wake) => {
    const members = won.get(wake.wake_id);
    return members ? [{ ...wake, members: wake.members.filter((m) => members.includes(m)) }] : [];
  });
}

export function releaseStatements(db: D1Database, wakes: PlannedWake[]): D1PreparedStatement[] {
  return wakes.flatMap((wake) => wake.members.map((member) => releaseStatement(db, wake, member)));
}
