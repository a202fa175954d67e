import { exportKeys, type ExportDate } from "../../export";
import { readManifest, type ExportManifest } from "../../export";

const DAY_PREFIX = /^audit\/dt=(\d{4}-\d{2}-\d{2})\/$/;
export const EXPORT_FILE_KEY =
  /^audit\/dt=\d{4}-\d{2}-\d{2}\/(audit_events\.jsonl|slack_dm_log\.jsonl|manifest\.json)$/;

/** The newest exported days, from R2's listing of `audit/dt=…/` prefixes (ascending, so walk all). */
export async function listExportedDays(bucket: R2Bucket, newest: number): Promise<ExportDate[]> {
  const days: ExportDate[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: "audit/dt=", delimiter: "/", cursor, limit: 1000 });
    for (const prefix of page.delimitedPrefixes) {
      const date = DAY_PREFIX.exec(prefix)?.[1];
      if (date) days.push(date);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return days.sort().reverse().slice(0, newest);
}

export async function readDayManifest(bucket: R2Bucket, date: ExportDate): Promise<ExportManifest | null> {
  return (await readManifest(bucket, exportKeys(date).manifest))?.manifest ?? null;
}

export function fileHref(key: string): string {
  return `/exports/file?key=${encodeURIComponent(key)}`;
}
