import { z } from "zod";
import type { Config, KoraEnv } from "../config";
import type { AuditSource } from "../contracts";

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
  const since = hourBefore(now);
  const used = await countFixActionsSince(env.DB, targetId, since);
  return budget(config.KORA_AUTOFIX_MAX_RESTARTS, used, since);
}

/**
 * `KORA_AUTOFIX_MAX_FLEET_RESTARTS` autonomous fix actions in the hour before `now`, across every
 * machine: the bound on what a bug, or a model steered by injected text, can restart in an hour.
 * An operator's approval is a person deciding, so it neither counts nor is refused here.
 */
export async function readFleetBudget(
  env: Pick<KoraEnv, "DB">,
  config: Pick<Config, "KORA_AUTOFIX_MAX_FLEET_RESTARTS">,
  now: Date,
): Promise<RestartBudget> {
  const since = hourBefore(now);
  const used = await countAutonomousFixActionsSince(env.DB, since);
  return budget(config.KORA_AUTOFIX_MAX_FLEET_RESTARTS, used, since);
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

/** How many autonomous restarts the fleet has left this hour (for a DM's "budget left"). */
export async function fleetRestartsLeftThisHour(
  env: Pick<KoraEnv, "DB">,
  config: Pick<Config, "KORA_AUTOFIX_MAX_FLEET_RESTARTS">,
  now: Date,
): Promise<number> {
  return (await readFleetBudget(env, config, now)).left;
}

export type BudgetRefusal =
  | {
      rejection_reason: "restart_budget_exhausted";
      rejection_detail:
        | { scope: "wake"; max_per_wake: number; used: number; incident_id: string }
        | { scope: "machine"; max_per_hour: number; used: number; window_started_at: string };
    }
  | {
      rejection_reason: "fleet_budget_exhausted";
      rejection_detail: { scope: "fleet"; max_per_hour: number; used: number; window_started_at: string };
    };

/** A reasoning loop may act on each of its wake's targets once: a second try is the operator's call. */
export const FIX_ACTIONS_PER_TARGET_PER_WAKE = 1;

export interface BudgetQuestion {
  target_id: string;
  source: AuditSource;
  caller_session_id: string;
  /** Set for a reasoning fix: the incident whose wake is being investigated. */
  incident_id?: string;
}

/**
 * Gate 5's budgets, read from the audit log before any call to Fly: one fix action per target
 * per wake (reasoning), `KORA_AUTOFIX_MAX_RESTARTS` per machine an hour (every caller), and the
 * fleet's `KORA_AUTOFIX_MAX_FLEET_RESTARTS` an hour (every caller but an operator's approval).
 */
export async function refuseOverBudget(
  env: Pick<KoraEnv, "DB">,
  config: Pick<Config, "KORA_AUTOFIX_MAX_RESTARTS" | "KORA_AUTOFIX_MAX_FLEET_RESTARTS">,
  question: BudgetQuestion,
  now: Date,
): Promise<BudgetRefusal | undefined> {
  if (question.incident_id !== undefined) {
    const used = await countReasoningFixActionsInSession(env.DB, question.caller_session_id, question.target_id);
    if (used >= FIX_ACTIONS_PER_TARGET_PER_WAKE) {
      return {
        rejection_reason: "restart_budget_exhausted",
        rejection_detail: {
          scope: "wake",
          max_per_wake: FIX_ACTIONS_PER_TARGET_PER_WAKE,
          used,
          incident_id: question.incident_id,
        },
      };
    }
  }
  const machine = await readRestartBudget(env, config, question.target_id, now);
  if (machine.left <= 0) {
    return {
      rejection_reason: "restart_budget_exhausted",
      rejection_detail: {
        scope: "machine",
        max_per_hour: machine.max,
        used: machine.used,
        window_started_at: machine.window_started_at,
      },
    };
  }
  if (question.source === "operator") return undefined;
  const fleet = await readFleetBudget(env, config, now);
  if (fleet.left <= 0) {
    return {
      rejection_reason: "fleet_budget_exhausted",
      rejection_detail: {
        scope: "fleet",
        max_per_hour: fleet.max,
        used: fleet.used,
        window_started_at: fleet.window_started_at,
      },
    };
  }
  return undefined;
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
  return count(row);
}

/** Fix actions sent by the reasoning loop or an MCP caller since `sinceIso`, whatever the machine. */
export async function countAutonomousFixActionsSince(db: D1Database, sinceIso: string): Promise<number> {
  const row = await db
    .prepare(
      `SELECT COUNT(*) AS n FROM audit_events
       WHERE seam = 'tool.probe_autofix_attempted' AND emitted_at >= ?1
         AND source IN ('reasoning', 'mcp')
         AND json_extract(details, '$.action_taken') IS NOT NULL`,
    )
    .bind(sinceIso)
    .first();
  return count(row);
}

/** Fix actions the reasoning loop sent to one target under one incident's session. */
export async function countReasoningFixActionsInSession(
  db: D1Database,
  callerSessionId: string,
  targetId: string,
): Promise<number> {
  const row = await db
    .prepare(
      `SELECT COUNT(*) AS n FROM audit_events
       WHERE caller_session_id = ?1 AND seam = 'tool.probe_autofix_attempted' AND source = 'reasoning'
         AND json_extract(details, '$.target_id') = ?2
         AND json_extract(details, '$.action_taken') IS NOT NULL`,
    )
    .bind(callerSessionId, targetId)
    .first();
  return count(row);
}

function hourBefore(now: Date): string {
  return new Date(now.getTime() - HOUR_MS).toISOString();
}

function budget(max: number, used: number, since: string): RestartBudget {
  return { max, used, left: Math.max(0, max - used), window_started_at: since };
}

function count(row: unknown): number {
  return z.object({ n: z.number().int() }).parse(row).n;
}
