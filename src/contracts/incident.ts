import { z } from "zod";
import { ProbeName } from "./probes";
import { EscalationReason, ResolvedBy } from "./rows/incident";

/**
 * One `incidents` row (migrations 0002 and 0003), as the incident store writes it and the
 * operator API and console read it: one problem of one probe, from the wake that opened it until
 * every target has stayed healthy long enough (DESIGN §11). Times are the probe cycles' scheduled times.
 */
export const IncidentStatus = z.enum(["open", "escalated", "resolved"]);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export const IncidentRow = z.object({
  id: z.string(),
  probe: ProbeName,
  status: IncidentStatus,
  opened_at: z.string(),
  first_unhealthy_at: z.string(),
  escalated_at: z.string().nullable(),
  escalation_reason: EscalationReason.nullable(),
  recovered_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  resolved_by: ResolvedBy.nullable(),
  root_dm_channel: z.string().nullable(),
  root_dm_ts: z.string().nullable(),
  fixes: z.number().int().nonnegative(),
  operator_asked: z
    .number()
    .int()
    .transform((value) => value !== 0),
  updated_at: z.string(),
});
export type IncidentRow = z.infer<typeof IncidentRow>;

export const INCIDENT_COLUMNS = Object.keys(IncidentRow.shape).join(", ");

/** Where the incident's first DM is in Slack, once it was delivered. */
export function rootDmOf(incident: Pick<IncidentRow, "root_dm_channel" | "root_dm_ts">): {
  channel: string;
  ts: string;
} | null {
  return incident.root_dm_channel && incident.root_dm_ts
    ? { channel: incident.root_dm_channel, ts: incident.root_dm_ts }
    : null;
}
