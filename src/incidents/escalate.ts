import { recordAudit } from "../audit/record";
import type { KoraEnv } from "../config";
import type { EscalationReason } from "../contracts";
import type { Incident } from "./model";
import { escalateIncident } from "./store";

export interface Escalation {
  incident: Incident;
  wake_id: string;
  reason: EscalationReason;
  /** The scheduled time of the cycle behind the wake: the incident's clock. */
  at: string;
  targets: string[];
  fixes: number;
  dm_status: string | null;
}

/**
 * Whether this wake may escalate the incident: it is open or resolved, or this same wake already
 * escalated it (a redelivery after a crash midway, which must finish what it started). An
 * incident escalated by something else stays as it is: one alert per escalation.
 */
export function mayEscalate(incident: Incident, escalation: Pick<Escalation, "reason" | "at">): boolean {
  if (incident.status !== "escalated") return true;
  return incident.escalated_at === escalation.at && incident.escalation_reason === escalation.reason;
}

/**
 * One `probe.incident_escalated` row, keyed on the wake, then the incident marked escalated (a
 * resolved one re-opened). The row comes first so a crash in between leaves the redelivery to
 * finish: it cannot be lost, and it cannot be written twice.
 */
export async function escalate(env: KoraEnv, escalation: Escalation): Promise<void> {
  const { incident } = escalation;
  await recordAudit(env, {
    id: `incident_escalated:${escalation.wake_id}`,
    seam: "probe.incident_escalated",
    caller_session_id: incident.id,
    source: "system",
    details: {
      incident_id: incident.id,
      wake_id: escalation.wake_id,
      probe: incident.probe,
      reason: escalation.reason,
      targets: escalation.targets,
      fixes: escalation.fixes,
      reopened: incident.status === "resolved",
      dm_status: escalation.dm_status,
    },
  });
  await escalateIncident(env.DB, incident.id, escalation.reason, escalation.at);
}
