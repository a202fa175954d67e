import { env } from "cloudflare:workers";

/**
 * Rows of the incident and history tables (migrations/0002) as the probe cycle leaves them,
 * written with plain SQL: the readers are under test here, not the writer.
 */

export interface IncidentSeed {
  id: string;
  probe?: string;
  status: "open" | "escalated" | "resolved";
  opened_at: string;
  first_unhealthy_at?: string;
  escalated_at?: string | null;
  escalation_reason?: "refailed_after_fix" | "fix_not_recovered" | "flapping" | null;
  recovered_at?: string | null;
  resolved_at?: string | null;
  resolved_by?: "kora_fix" | "operator_fix" | "self" | null;
  root_dm_channel?: string | null;
  root_dm_ts?: string | null;
  fixes?: number;
  operator_asked?: boolean;
  targets: { target: string; fly_app?: string | null }[];
}

export async function seedIncidentRow(seed: IncidentSeed): Promise<void> {
  const probe = seed.probe ?? "fly";
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO incidents (id, probe, status, opened_at, first_unhealthy_at, escalated_at, escalation_reason,
         recovered_at, resolved_at, resolved_by, root_dm_channel, root_dm_ts, fixes, operator_asked, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)`,
    ).bind(
      seed.id,
      probe,
      seed.status,
      seed.opened_at,
      seed.first_unhealthy_at ?? seed.opened_at,
      seed.escalated_at ?? null,
      seed.escalation_reason ?? null,
      seed.recovered_at ?? null,
      seed.resolved_at ?? null,
      seed.resolved_by ?? null,
      seed.root_dm_channel ?? null,
      seed.root_dm_ts ?? null,
      seed.fixes ?? 0,
      seed.operator_asked ? 1 : 0,
      seed.resolved_at ?? seed.escalated_at ?? seed.opened_at,
    ),
    ...seed.targets.map((target) =>
      env.DB.prepare("INSERT INTO incident_targets (incident_id, probe, target, fly_app) VALUES (?1, ?2, ?3, ?4)").bind(
        seed.id,
        probe,
        target.target,
        target.fly_app ?? null,
      ),
    ),
  ]);
}

/** `[at, from, to]` per change, oldest first; `from` null for a target's first observation. */
export type ChangeSeed = [at: string, from: string | null, to: string, summary?: string];

export async function seedTransitions(probe: string, target: string, changes: ChangeSeed[]): Promise<void> {
  await env.DB.batch(
    changes.map(([at, from, to, summary]) =>
      env.DB.prepare(
        "INSERT INTO probe_transitions (probe, target, at, from_status, to_status, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      ).bind(probe, target, at, from, to, JSON.stringify({ summary: summary ?? `${target} is ${to}` })),
    ),
  );
}

export async function seedProbeState(probe: string, target: string, status: string, observedAt: string): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO probe_state (probe, target, last_status, last_detail, last_observed_at, consecutive_unhealthy)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)`,
  )
    .bind(
      probe,
      target,
      status,
      JSON.stringify({ summary: `${target} is ${status}` }),
      observedAt,
      status === "unhealthy" ? 1 : 0,
    )
    .run();
}

export async function clearHistoryTables(): Promise<void> {
  await env.DB.batch(
    [
      "incident_targets",
      "incidents",
      "probe_transitions",
      "probe_state",
      "probe_cycles",
      "audit_events",
      "investigations",
    ].map((table) => env.DB.prepare(`DELETE FROM ${table}`)),
  );
}

/** `minutes` after (or before, when negative) an ISO time, as ISO. */
export function minutesFrom(iso: string | number, minutes: number): string {
  return new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();
}
