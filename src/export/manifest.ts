import { z } from "zod";
import { ManifestFile } from "../contracts";

import { ExportDate } from "./day";

/**
 * `manifest.json` beside a day's files. It holds no timestamp of its own, so the same rows
 * always give the same manifest, byte for byte; `npm run audit:verify` checks files against it.
 */
export const ExportManifest = z.strictObject({
  v: z.literal(1),
  date: ExportDate,
  order: z.literal(
    "each file is ordered by (timestamp, seq): emitted_at for audit_events, created_at for slack_dm_log",
  ),
  excluded: z.literal("audit_events rows with seam audit.export_completed whose details.date is this date"),
  files: z.array(ManifestFile),
});
export type ExportManifest = z.infer<typeof ExportManifest>;

export function buildManifest(date: ExportDate, files: ManifestFile[]): ExportManifest {
  return {
    v: 1,
    date,
    order: "each file is ordered by (timestamp, seq): emitted_at for audit_events, created_at for slack_dm_log",
    excluded: "audit_events rows with seam audit.export_completed whose details.date is this date",
    files,
  };
}

export function serializeManifest(manifest: ExportManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The stored manifest, or null when there is none or it does not parse (then it is rewritten). */
export async function readManifest(
  bucket: R2Bucket,
  key: string,
): Promise<{ text: string; manifest: ExportManifest } | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  const text = await object.text();
  try {
    const parsed = ExportManifest.safeParse(JSON.parse(text));
    return parsed.success ? { text, manifest: parsed.data } : null;
  } catch {
    return null;
  }
}
