/**
 * `npm run audit:verify` against a real export: the Worker under `wrangler dev` writes rows and
 * exports the day to local R2; the script reads R2 and D1 back through wrangler and must say
 * exactly what differs when a file is tampered with or D1 has moved on.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { FlyFake } from "../fakes/fly.ts";
import { DEMO_MACHINES } from "../fakes/seed.ts";
import { startLocalStack, type LocalStack } from "../../scripts/local-stack.mjs";

let stack: LocalStack;
let keep: string;
const date = new Date().toISOString().slice(0, 10);

function verify(...args: string[]) {
  const run = spawnSync(process.execPath, ["scripts/audit-verify.mjs", ...args], { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

beforeAll(async () => {
  stack = await startLocalStack({ migratedFrom: inject("migratedState") });
  keep = mkdtempSync(join(tmpdir(), "kora-verify-test-"));
  // A machine crashes; two probe cycles a minute apart (a cycle is idempotent per scheduled
  // minute) wake Kora, which investigates, fixes and DMs: real rows of every kind to export.
  const fly = stack.world.providers.get("fly") as FlyFake;
  const machine = fly.apps.get("kora-web")?.get(DEMO_MACHINES.web1);
  if (!machine) throw new Error("demo machine missing from the fake world");
  fly.crash(machine, 1, false);
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  await stack.fireCron("* * * * *", minute - 60_000);
  await stack.fireCron("* * * * *", minute);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { rows } = await stack.api<{ rows: unknown[] }>("/api/audit?seam=probe.investigation_completed");
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("no investigation completed: nothing to export");
});

afterAll(async () => {
  rmSync(keep ?? "", { recursive: true, force: true });
  await stack?.stop();
});

describe("npm run audit:verify", () => {
  it("passes a fresh export of the day against its manifest and D1", async () => {
    const exported = await stack.api<{ files: { table: string; rows: number }[] }>(`/api/audit/export?date=${date}`, {
      method: "POST",
    });
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
