import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { exportAuditDay } from "../../src/export/run-export";
import { PART_SIZE } from "../../src/export/file-writer";
import { ExportManifest } from "../../src/export/manifest";
import { dayRows, seedAuditDay, seedDmDay } from "./seed-day";
import { seedAuditRow } from "../audit-seed.ts";
import { parseSeamDetails } from "../../src/contracts";

const DATE = "2026-11-05";
const ROWS = 100_000;
const now = new Date("2026-11-06T00:07:00.000Z");

async function objectText(key: string): Promise<string> {
  const object = await env.AUDIT_BUCKET.get(key);
  if (!object) throw new Error(`no object at ${key}`);
  return object.text();
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function mismatches(lines: string[], rows: unknown[]): string[] {
  const out: string[] = [];
  if (lines.length !== rows.length) out.push(`file has ${lines.length} lines, D1 has ${rows.length} rows`);
  for (let i = 0; i < Math.min(lines.length, rows.length) && out.length < 5; i++) {
    if (JSON.stringify(JSON.parse(lines[i] ?? "null")) !== JSON.stringify(rows[i])) out.push(`line ${i + 1} differs`);
  }
  return out;
}

async function exportRows(): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM audit_events WHERE seam = 'audit.export_completed'",
  ).first<{
    n: number;
  }>();
  return row?.n ?? 0;
}

describe("exporting a day of 100,000 audit rows to R2", () => {
  beforeAll(async () => {
    await seedAuditDay(DATE, ROWS);
    await seedDmDay(DATE, 300);
    // Neighbouring days must stay out of the file.
    await seedAuditDay("2026-11-04", 50, "before");
    await seedAuditDay("2026-11-06", 50, "after");
    await seedDmDay("2026-11-06", 5, "dm-after");
  }, 120_000);

  it("writes JSONL that parses line by line to exactly the day's D1 rows, hashed in the manifest", async () => {
    const result = await exportAuditDay(env, DATE, { source: "operator", now });
    expect(result.changed).toBe(true);
    expect(result.files.map((f) => [f.table, f.key, f.rows])).toEqual([
      ["audit_events", `audit/dt=${DATE}/audit_events.jsonl`, ROWS],
      ["slack_dm_log", `audit/dt=${DATE}/slack_dm_log.jsonl`, 300],
    ]);

    const manifest = ExportManifest.parse(JSON.parse(await objectText(`audit/dt=${DATE}/manifest.json`)));
    expect(manifest.files).toEqual(result.files);

    for (const file of manifest.files) {
      const text = await objectText(file.key);
      expect(await sha256(text)).toBe(file.sha256);
      expect(new TextEncoder().encode(text).byteLength).toBe(file.bytes);
      expect(text.endsWith("\n")).toBe(true);
      const lines = text.slice(0, -1).split("\n");
      expect(mismatches(lines, await dayRows(file.table, DATE))).toEqual([]);
    }
    // A day this size does not fit one part: the file went up as a multipart upload.
    expect(manifest.files[0]?.bytes).toBeGreaterThan(PART_SIZE);
  }, 120_000);

  it("records one audit.export_completed row naming the files and their hashes", async () => {
    const { results } = await env.DB.prepare(
      "SELECT id, caller_session_id, source, details FROM audit_events WHERE seam = 'audit.export_completed'",
    ).all<{ id: string; caller_session_id: string; source: string; details: string }>();
    expect(results).toHaveLength(1);
    const details = JSON.parse(results[0]?.details ?? "{}") as { date: string; files: { rows: number }[] };
    expect(results[0]?.caller_session_id).toBe(`export:${DATE}`);
    expect(results[0]?.source).toBe("operator");
    expect(details.date).toBe(DATE);
    expect(details.files.map((f) => f.rows)).toEqual([ROWS, 300]);
    // Read as every reader reads it: the seam's own schema, and the hash of the manifest in R2.
    const parsed = parseSeamDetails("audit.export_completed", details);
    expect(parsed.ok && parsed.value.manifest_sha256).toBe(
      await sha256(await objectText(`audit/dt=${DATE}/manifest.json`)),
    );
  });

  it("changes nothing when re-run over the same rows", async () => {
    const keys = ["audit_events.jsonl", "slack_dm_log.jsonl", "manifest.json"].map((f) => `audit/dt=${DATE}/${f}`);
    const before = await Promise.all(keys.map((key) => env.AUDIT_BUCKET.head(key)));
    const again = await exportAuditDay(env, DATE, { source: "cron", now: new Date(now.getTime() + 3_600_000) });
    expect(again.changed).toBe(false);
    const after = await Promise.all(keys.map((key) => env.AUDIT_BUCKET.head(key)));
    expect(after.map((o) => [o?.etag, o?.uploaded.getTime()])).toEqual(
      before.map((o) => [o?.etag, o?.uploaded.getTime()]),
    );
    expect(await exportRows()).toBe(1);
    const listed = await env.AUDIT_BUCKET.list({ prefix: `audit/dt=${DATE}/` });
    expect(listed.objects.map((o) => o.key).sort()).toEqual([...keys].sort());
  }, 120_000);

  it("rewrites the file and records a second export when a row of that day arrives late", async () => {
    await seedAuditRow(
      env,
      { seam: "probe.wake_rejected", caller_session_id: "wake:late", source: "system", details: { late: true } },
      new Date(`${DATE}T23:59:59.999Z`),
    );
    const result = await exportAuditDay(env, DATE, { source: "cron", now });
    expect(result.changed).toBe(true);
    expect(result.files[0]?.rows).toBe(ROWS + 1);
    const text = await objectText(`audit/dt=${DATE}/audit_events.jsonl`);
    expect(text.trimEnd().split("\n").at(-1)).toContain('"caller_session_id":"wake:late"');
    expect(await exportRows()).toBe(2);
  }, 120_000);
});
