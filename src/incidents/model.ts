import { z } from "zod";
import type { IncidentRow, IncidentStatus } from "../contracts";

export { INCIDENT_COLUMNS, IncidentRow, IncidentStatus } from "../contracts";

export const IncidentTarget = z.object({
  target: z.string(),
  fly_app: z.string().nullable(),
});
export type IncidentTarget = z.infer<typeof IncidentTarget>;

/** An incident with its targets (DESIGN §11); the row's shape is shared with its readers in `contracts`. */
export interface Incident extends IncidentRow {
  targets: IncidentTarget[];
}

/** The incident id is its opening wake's session (DESIGN §11). */
export const incidentIdOf = (wakeId: string) => `wake:${wakeId}`;

export const isActive = (status: IncidentStatus) => status !== "resolved";
