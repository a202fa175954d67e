import { z } from "zod";
import { EscalationReason, ProbeName, ResolvedBy } from "../contracts";

/**
 * An incident as D1 holds it (migration 0002): one problem of one probe, from the wake that
 * opened it until every target has stayed healthy long enough (DESIGN §11). Its times are the
 * probe cycles' scheduled times.
 */
export const IncidentStatus = z.enum(["open", "escalated", "resolved"]);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export const IncidentTarget = z.object({
  target: z.string(),
  fly_app: z.string().nullable(),
});
export type IncidentTarget = z.infer<typeof IncidentTarget>;

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

export interface Incident extends IncidentRow {
  targets: IncidentTarget[];
}

export const INCIDENT_COLUMNS = Object.keys(IncidentRow.shape).join(", ");

/** The incident id is its opening wake's session (DESIGN §11). */
export const incidentIdOf = (wakeId: string) => `wake:${wakeId}`;

export const isActive = (status: IncidentStatus) => status !== "resolved";
