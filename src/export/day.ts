import { z } from "zod";

/** A calendar day in UTC, `YYYY-MM-DD`: the unit of one export (DESIGN §7). */
export const ExportDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date like 2026-11-05" })
  .refine(
    (value) => {
      const instant = new Date(`${value}T00:00:00.000Z`);
      return !Number.isNaN(instant.getTime()) && instant.toISOString().startsWith(value);
    },
    { error: "must be a real calendar date" },
  );
export type ExportDate = z.infer<typeof ExportDate>;

export function dayOf(instant: Date): ExportDate {
  return instant.toISOString().slice(0, 10);
}

/**
 * Bounds on the text timestamps every writer produces with `toISOString()`. The bare date sorts
 * before every timestamp of that day, so `[start, end)` is the whole day as a string range.
 */
export function dayRange(date: ExportDate): { start: string; end: string } {
  const next = new Date(`${date}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { start: date, end: dayOf(next) };
}

/** Where one day's export lives; deterministic so a re-run overwrites rather than adds. */
export function exportKeys(date: ExportDate) {
  const prefix = `audit/dt=${date}/`;
  return {
    prefix,
    audit_events: `${prefix}audit_events.jsonl`,
    slack_dm_log: `${prefix}slack_dm_log.jsonl`,
    manifest: `${prefix}manifest.json`,
  } as const;
}
