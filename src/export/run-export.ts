import type { Config, KoraEnv } from "../config";
import { sha256Hex } from "../contracts";
import { dayOf, exportKeys, type ExportDate } from "./day";
import { ExportFileWriter, PART_SIZE } from "./file-writer";
import type { ManifestFile } from "../contracts";
import { buildManifest, readManifest, serializeManifest } from "./manifest";
import { readAuditPage, readDmLogPage, type DayCursor } from "./queries";
import { recordAudit } from "../audit/record";
import type { AuditSource } from "../contracts";

const PAGE_ROWS = 2_000;

export interface ExportResult {
  date: ExportDate;
  manifest_key: string;
  manifest_sha256: string;
  files: ManifestFile[];
  /** False when every object already held these bytes: the run wrote nothing. */
  changed: boolean;
  audit_event_id: string;
}

export interface ExportOptions {
  source: AuditSource;
  now: Date;
  partSize?: number;
}

/**
 * Hourly cron (DESIGN §7): today so far, and at the first run of a day yesterday as well, so the
 * last hour of a day is exported once it is over.
 */
export async function runAuditExport(env: KoraEnv, _config: Config, now: Date): Promise<void> {
  const dates = new Set([dayOf(new Date(now.getTime() - 60 * 60 * 1000)), dayOf(now)]);
  for (const date of dates) {
    await exportAuditDay(env, date, { source: "cron", now });
  }
}

/**
 * Exports one day's audit rows and DM log to `audit/dt=<date>/`, page by page. Idempotent: the
 * same rows give the same objects, and an unchanged day writes nothing and records nothing new
 * (the audit row's id is derived from the date and the manifest's hash).
 */
export async function exportAuditDay(env: KoraEnv, date: ExportDate, options: ExportOptions): Promise<ExportResult> {
  const keys = exportKeys(date);
  const previous = await readManifest(env.AUDIT_BUCKET, keys.manifest);
  const before = (table: ManifestFile["table"]) => previous?.manifest.files.find((file) => file.table === table);
  const partSize = options.partSize ?? PART_SIZE;

  const audit = await writeTable(
    new ExportFileWriter(env.AUDIT_BUCKET, keys.audit_events, partSize),
    (cursor) => readAuditPage(env.DB, date, cursor, PAGE_ROWS),
    (row) => ({ at: row.emitted_at, seq: row.seq }),
    before("audit_events"),
  );
  const dms = await writeTable(
    new ExportFileWriter(env.AUDIT_BUCKET, keys.slack_dm_log, partSize),
    (cursor) => readDmLogPage(env.DB, date, cursor, PAGE_ROWS),
    (row) => ({ at: row.created_at, seq: row.seq }),
    before("slack_dm_log"),
  );

  const files: ManifestFile[] = [
    { table: "audit_events", key: audit.key, rows: audit.rows, bytes: audit.bytes, sha256: audit.sha256 },
    { table: "slack_dm_log", key: dms.key, rows: dms.rows, bytes: dms.bytes, sha256: dms.sha256 },
  ];
  const manifestText = serializeManifest(buildManifest(date, files));
  const manifestSha = await sha256Hex(manifestText);
  const manifestChanged = previous?.text !== manifestText;
  // The manifest goes last: once it is there, the files it names are complete.
  if (manifestChanged) {
    await env.AUDIT_BUCKET.put(keys.manifest, manifestText, {
      httpMetadata: { contentType: "application/json" },
      sha256: manifestSha,
    });
  }

  const auditId = `audit.export_completed:${date}:${manifestSha}`;
  await recordAudit(
    env,
    {
      id: auditId,
      seam: "audit.export_completed",
      caller_session_id: `export:${date}`,
      source: options.source,
      details: { date, manifest_key: keys.manifest, manifest_sha256: manifestSha, files },
    },
    options.now,
  );
  return {
    date,
    manifest_key: keys.manifest,
    manifest_sha256: manifestSha,
    files,
    changed: manifestChanged || audit.written || dms.written,
    audit_event_id: auditId,
  };
}

async function writeTable<Row>(
  writer: ExportFileWriter,
  readPage: (cursor: DayCursor | null) => Promise<Row[]>,
  position: (row: Row) => DayCursor,
  previous: ManifestFile | undefined,
) {
  try {
    let cursor: DayCursor | null = null;
    for (;;) {
      const page = await readPage(cursor);
      await writer.writeLines(page);
      const last = page.at(-1);
      if (!last || page.length < PAGE_ROWS) break;
      cursor = position(last);
    }
    return await writer.finish(previous);
  } catch (error) {
    await writer.discard();
    throw error;
  }
}
