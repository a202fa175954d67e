import type { AuditRow } from "../src/audit/record";
import { recordAudit } from "../src/audit/record";
import type { KoraEnv } from "../src/config";
import type { AuditSource, Seam } from "../src/contracts";

/**
 * Writes a row through the real writer (`recordAudit`: redaction, the tail line, idempotency)
 * with placeholder `details` that need not fit the seam's schema (the writer keeps them, marked
 * `details_off_schema`). For tests of the readers, pagination and the export, where a row's
 * content is beside the point — and old rows in D1, written by earlier deploys, may not fit
 * today's schema either.
 */
export function seedAuditRow(
  env: KoraEnv,
  row: { seam: Seam; caller_session_id: string; source: AuditSource; details: Record<string, unknown>; id?: string },
  now?: Date,
): Promise<AuditRow> {
  return recordAudit(env, row as Parameters<typeof recordAudit>[1], now);
}
