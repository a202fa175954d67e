import { secretValues, type KoraEnv } from "../config";
import { boundDetails } from "./bound";
import { redactSecrets } from "./redact";
import { describeZodError, parseSeamDetails, type AuditSource, type Seam, type SeamDetails } from "../contracts";

/** One row to write: its `details` typed by the seam registry (contracts/seams.ts). */
export interface AuditEventInput<S extends Seam = Seam> {
  seam: S;
  caller_session_id: string;
  source: AuditSource;
  details: SeamDetails<S>;
  /**
   * Idempotency key. Give one whenever the work that writes the row can be repeated (a queue
   * redelivery, a cron re-run): the second write then inserts nothing.
   */
  id?: string;
}

export interface AuditRow {
  id: string;
  emitted_at: string;
  seam: Seam;
  caller_session_id: string;
  source: AuditSource;
  details: Record<string, unknown>;
}

export class AuditWriteError extends Error {
  override readonly name = "AuditWriteError";
}

const WRITE_ATTEMPTS = 3;

/**
 * Writes one audit row to D1 and prints it as one JSON line for `wrangler tail`. A failed write
 * is retried and then thrown: the work that needed the row fails (and is retried by its queue or
 * cron) rather than going on without a trace. Configured secret values are redacted first, then
 * `details` is bounded (audit/bound.ts): an oversized row is clipped with a marker, never dropped.
 * Details that do not parse with their seam's schema (a writer that cast past the types) are
 * written all the same, with `details_off_schema` saying what is wrong, and logged as an error.
 */
export async function recordAudit<S extends Seam>(
  env: KoraEnv,
  event: AuditEventInput<S>,
  now: Date = new Date(),
): Promise<AuditRow> {
  const secrets = secretValues(env);
  const row: AuditRow = {
    id: event.id ?? crypto.randomUUID(),
    emitted_at: now.toISOString(),
    seam: event.seam,
    caller_session_id: redactSecrets(event.caller_session_id, secrets).value,
    source: event.source,
    details: checkedDetails(
      event.seam,
      boundDetails(redactSecrets(event.details as Record<string, unknown>, secrets).value).value,
    ),
  };
  const statement = env.DB.prepare(
    `INSERT INTO audit_events (id, emitted_at, seam, caller_session_id, source, details)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING`,
  ).bind(row.id, row.emitted_at, row.seam, row.caller_session_id, row.source, JSON.stringify(row.details));

  let lastError: unknown;
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    try {
      const result = await statement.run();
      if (result.meta.changes > 0) console.log(JSON.stringify({ kora_audit: row }));
      return row;
    } catch (error) {
      lastError = error;
      if (attempt < WRITE_ATTEMPTS) await sleep(50 * 2 ** attempt);
    }
  }
  throw new AuditWriteError(`audit write for ${row.seam} failed after ${WRITE_ATTEMPTS} attempts`, {
    cause: lastError,
  });
}

function checkedDetails(seam: Seam, details: Record<string, unknown>): Record<string, unknown> {
  const parsed = parseSeamDetails(seam, details);
  if (parsed.ok) return details;
  const problem = describeZodError(parsed.error, { max: 5 });
  console.error(JSON.stringify({ kora_error: "audit row details off their seam's schema", seam, problem }));
  return { ...details, details_off_schema: problem };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
