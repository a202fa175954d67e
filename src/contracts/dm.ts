import { z } from "zod";

/** What kind of DM a row records; a new kind of DM is one entry here. */
export const DmKind = z.enum([
  "investigation",
  "engine_fallback",
  "dead_letter_notice",
  "approval_update",
  /** An incident's follow-up (re-failure, flapping, resolution: a thread reply when it has a root DM), or an edit of one. */
  "incident_followup",
  "incident_update",
]);
export type DmKind = z.infer<typeof DmKind>;

/** DESIGN §3 step 6: the four values a DM of an investigation can end in, plus plain sends. */
export const DmStatus = z.enum([
  "sent",
  "failed_send",
  "engine_unavailable_fallback",
  "engine_unavailable_failed_send",
]);
export type DmStatus = z.infer<typeof DmStatus>;
