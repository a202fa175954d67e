import {
  parseSeamDetails,
  type AuditSource,
  type FixAction,
  type ProbeName,
  type RecoveryOutcome,
  type AutofixStatus,
} from "../contracts";
import type { StoredAuditRow } from "./queries";

/**
 * What happened in an incident, read from its audit rows (DESIGN §11: every row of an incident
 * carries its id as `caller_session_id`). Pure: the rows are read elsewhere. Each row is parsed
 * with its seam's one schema; a row that no longer fits is counted, never guessed at.
 */

/** The seams an incident's summary reads: wakes, fixes, and the investigations' cost. */
export const ACTIVITY_SEAMS = [
  "probe.wake_requested",
  "tool.probe_autofix_attempted",
  "probe.investigation_completed",
] as const;

export interface IncidentWake {
  wake_id: string;
  /** When the wake was requested (the audit row's time). */
  at: string;
  probe: ProbeName;
  target: string;
  observed_at: string;
}

/** A fix Kora or an operator actually sent (a refusal or a shadowed decision sends nothing). */
export interface IncidentFix {
  at: string;
  probe: string;
  target_id: string;
  action: FixAction;
  status: AutofixStatus;
  outcome: RecoveryOutcome | null;
  source: AuditSource;
  approved_by: string | null;
}

export interface IncidentActivity {
  wakes: IncidentWake[];
  fixes: IncidentFix[];
  /** Sum of `cost_usd` over the incident's `probe.investigation_completed` rows. */
  cost_usd: number;
  investigations_completed: number;
  /** Rows of these seams whose details no longer fit the schema: shown raw on the timeline. */
  unreadable_rows: number;
}

export function emptyActivity(): IncidentActivity {
  return { wakes: [], fixes: [], cost_usd: 0, investigations_completed: 0, unreadable_rows: 0 };
}

/** Rows in time order in, the incident's activity out. */
export function summarizeActivity(rows: readonly StoredAuditRow[]): IncidentActivity {
  const activity = emptyActivity();
  for (const row of rows) {
    switch (row.seam) {
      case "probe.wake_requested": {
        const parsed = parseSeamDetails(row.seam, row.details);
        if (!parsed.ok) activity.unreadable_rows++;
        else {
          const { wake_id, probe, target, observed_at } = parsed.value;
          activity.wakes.push({ wake_id, at: row.emitted_at, probe, target, observed_at });
        }
        break;
      }
      case "tool.probe_autofix_attempted": {
        const parsed = parseSeamDetails(row.seam, row.details);
        if (!parsed.ok) activity.unreadable_rows++;
        else if (parsed.value.action_taken) {
          activity.fixes.push({
            at: row.emitted_at,
            probe: parsed.value.probe,
            target_id: parsed.value.target_id,
            action: parsed.value.action_taken,
            status: parsed.value.status,
            outcome: parsed.value.outcome ?? null,
            source: row.source,
            approved_by: parsed.value.approved_by ?? null,
          });
        }
        break;
      }
      case "probe.investigation_completed": {
        const parsed = parseSeamDetails(row.seam, row.details);
        if (!parsed.ok) activity.unreadable_rows++;
        else {
          activity.cost_usd += parsed.value.cost_usd;
          activity.investigations_completed++;
        }
        break;
      }
    }
  }
  // Sums of floats drift (0.1 + 0.2); a millionth of a dollar is below any price's precision.
  activity.cost_usd = Math.round(activity.cost_usd * 1e6) / 1e6;
  return activity;
}
