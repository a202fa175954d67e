/**
 * `npm run audit:verify` against a real export: the Worker under `wrangler dev` writes rows and
 * exports the day to local R2; the script reads R2 and D1 back through wrangler and must say
 * exactly what differs when a file is tampered with or D1 has moved on.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ES module script without types
import { startLocalStack } from "../../scripts/local-stack.mjs";

interface Stack {
  url: string;
  persistTo: string;
  api: (path: string, init?: RequestInit) => Promise<{ files: { table: string; rows: number }[] }>;
  stop: () => Promise<void>;
}

let stack: Stack;
let keep: string;
const date = new Date().toISOString().slice(0, 10);

function verify(...args: string[]) {
  const run = spawnSync(process.execPath, ["scripts/audit-verify.mjs", ...args], { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

async function fireProbeCycle(): Promise<void> {
  const response = await fetch(`${stack.url}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
  if (!response.ok) throw new Error(`cron answered ${response.status}`);
}

beforeAll(async () => {
  stack = await startLocalStack();
  keep = mkdtempSync(join(tmpdir(), "kora-verify-test-"));
  await fireProbeCycle();
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await fireProbeCycle();
  await new Promise((resolve) => setTimeout(resolve, 3000));
});

afterAll(async () => {
  rmSync(keep ?? "", { recursive: true, force: true });
  await stack?.stop();
});

describe("npm run audit:verify", () => {
  it("passes a fresh export of the day against its manifest and D1", async () => {
    const exported = await stack.api(`/api/audit/export?date=${date}`, { method: "POST" });
    expect(exported.files.find((f) => f.table === "audit_events")?.rows).toBeGreaterThan(0);
    const result = verify(date, "--persist-to", stack.persistTo, "--keep", keep);
    expect(result.output).toContain("OK: the export matches its manifest and D1");
    expect(result.status).toBe(0);
  });

  it("names the file, line, seq and column of a tampered row", () => {
    const path = join(keep, "audit_events.jsonl");
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    const row = JSON.parse(lines[0] ?? "{}") as { seq: number; source: string };
    lines[0] = JSON.stringify({ ...row, source: row.source === "cron" ? "operator" : "cron" });
    writeFileSync(path, `${lines.join("\n")}\n`);

    const result = verify(keep, "--persist-to", stack.persistTo);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/audit_events\.jsonl: sha256 [0-9a-f]{64}, manifest says [0-9a-f]{64}/);
    expect(result.output).toContain(`audit_events.jsonl line 1 (seq ${row.seq}): source is`);
  });

  it("reports rows D1 holds that the export does not", () => {
    const emittedAt = `${date}T23:59:59.999Z`;
    const insert = spawnSync(
      "npx",
      [
        "wrangler",
        "d1",
        "execute",
        "kora",
        "--local",
        "--persist-to",
        stack.persistTo,
        "--command",
        `INSERT INTO audit_events (id, emitted_at, seam, caller_session_id, source, details)
         VALUES ('late-row', '${emittedAt}', 'probe.wake_rejected', 'wake:late', 'system', '{"late":true}')`,
      ],
      { encoding: "utf8", env: { ...process.env, CI: "true" } },
    );
    expect(insert.status).toBe(0);
    const result = verify(date, "--persist-to", stack.persistTo);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(
      new RegExp(`D1 audit_events seq \\d+ \\(emitted_at ${emittedAt}\\): missing from audit_events\\.jsonl`),
    );
  });

  it("says it could not check, rather than passing, when the day was never exported", () => {
    const result = verify("2001-01-01", "--persist-to", stack.persistTo);
    expect(result.status).toBe(2);
    expect(result.output).toContain("could not check");
  });
});
