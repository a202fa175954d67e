import { z } from "zod";

export const EXPORT_TABLES = ["audit_events", "slack_dm_log"] as const;

/** One file of a day's export, as its manifest and its audit row describe it (export/). */
export const ManifestFile = z.strictObject({
  table: z.enum(EXPORT_TABLES),
  key: z.string(),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

/** `audit.export_completed`, written by the R2 export (export/run-export.ts). */
export const ExportCompletedDetails = z.object({
  date: z.string(),
  manifest_key: z.string(),
  manifest_sha256: z.string(),
  files: z.array(ManifestFile),
});
export type ExportCompletedDetails = z.infer<typeof ExportCompletedDetails>;
