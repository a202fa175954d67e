/**
 * The whole loop from outside, the way an operator sees it: the real Worker under `wrangler dev`
 * (local D1, R2, Queues), driven over HTTP only — `/__scheduled` for the cron, `/mcp` with the
 * official MCP client, `/api/*` with the operator token.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_MACHINES } from "../fakes/seed.ts";
import type { FlyFake } from "../fakes/fly.ts";
import type { SlackFake } from "../fakes/slack.ts";
import { startLocalStack, type LocalStack } from "../../scripts/local-stack.mjs";

interface AuditRow {
  seq: number;
  emitted_at: string;
  seam: string;
  caller_session_id: string;
  source: string;
  details: Record<string, unknown>;
}

const MCP_TOKEN = "e2e-mcp-reader-token-0123456789";
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    migratedFrom: inject("migratedState"),
    vars: {
      KORA_MCP_CALLERS: JSON.stringify([
        { id: "e2e-reader", token_sha256: createHash("sha256").update(MCP_TOKEN).digest("hex"), caps: [] },
      ]),
    },
  });
});
afterAll(async () => stack?.stop());

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const auditRows = async (query: string): Promise<AuditRow[]> =>
  (await stack.api<{ rows: AuditRow[] }>(`/api/audit?${query}`)).rows;

describe("a crashed Fly machine, end to end", () => {
  let sessionId: string;

  it("is noticed by the probe cron and woken once", async () => {
    const fly = stack.world.providers.get("fly") as FlyFake;
    const machine = fly.apps.get("kora-web")?.get(DEMO_MACHINES.web1);
    if (!machine) throw new Error("demo machine missing");
    fly.crash(machine, 1, false);

    for (let cycle = 0; cycle < 2; cycle++) {
      const response = await fetch(`${stack.url}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
      expect(response.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    const wakes = await waitFor("the wake", async () => {
      const rows = await auditRows("seam=probe.wake_requested");
      return rows.length ? rows : undefined;
    });
    expect(wakes).toHaveLength(1);
    expect(wakes[0]?.details).toMatchObject({ probe: "fly", target: DEMO_MACHINES.web1 });
    sessionId = wakes[0]!.caller_session_id;
  });

  it("is investigated, fixed through the gates, and reported to the operator", async () => {
    const completed = await waitFor("the investigation", async () => {
      const rows = await auditRows(
        `seam=probe.investigation_completed&caller_session_id=${encodeURIComponent(sessionId)}`,
      );
      return rows[0];
    });
    expect(completed.details).toMatchObject({ dm_status: "sent", autofix_attempted: true });

    const fly = stack.world.providers.get("fly") as FlyFake;
    expect(fly.apps.get("kora-web")?.get(DEMO_MACHINES.web1)?.state).toBe("started");
    const starts = stack.world.requests.filter((r) => r.provider === "fly" && r.path.endsWith("/start"));
    expect(starts).toHaveLength(1);

    const slack = stack.world.providers.get("slack") as SlackFake;
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]?.text).toContain(DEMO_MACHINES.web1);
  });

  it("reads back as one timeline, in order, DM included", async () => {
    const timeline = await stack.api(`/api/sessions/${encodeURIComponent(sessionId)}/timeline`);
    const kinds = (timeline.entries as { kind: string; seam?: string }[]).map((e) => e.seam ?? e.kind);
    const order = ["probe.wake_requested", "tool.probe_autofix_attempted", "probe.investigation_completed"];
    const positions = order.map((seam) => kinds.indexOf(seam));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(kinds.some((k) => k.includes("dm"))).toBe(true);
    const attempt = (timeline.entries as { seam?: string; details?: Record<string, unknown> }[]).find(
      (e) => e.seam === "tool.probe_autofix_attempted",
    );
    expect(attempt?.details).toMatchObject({
      status: "attempted",
      outcome: "recovered",
      action_taken: expect.any(String),
    });
  });

  it("serves the same audit trail to an external agent over MCP", async () => {
    const client = new Client({ name: "kora-e2e", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${MCP_TOKEN}` } },
      }),
    );
    const result = await client.callTool({ name: "kora__query_audit", arguments: { caller_session_id: sessionId } });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain("tool.probe_autofix_attempted");
    await client.close();
  });

  it("exports the day to R2: JSONL that matches the rows and the manifest, idempotently", async () => {
    const date = new Date().toISOString().slice(0, 10);
    const dayRows = await auditRows(`since=${date}T00:00:00.000Z&limit=200`);
    const first = await stack.api(`/api/audit/export?date=${date}`, { method: "POST" });
    const files = first.files as { key: string; rows: number; sha256: string }[];
    const auditFile = files.find((f) => f.key.endsWith("audit_events.jsonl"));
    const dmFile = files.find((f) => f.key.endsWith("slack_dm_log.jsonl"));
    expect(auditFile?.key).toBe(`audit/dt=${date}/audit_events.jsonl`);

    expect(auditFile?.rows).toBe(dayRows.length);
    expect(dmFile?.rows).toBe(1);

    const stored = readR2Object(auditFile!.key);
    expect(createHash("sha256").update(stored).digest("hex")).toBe(auditFile?.sha256);
    // Every row of the incident was written as its seam's schema says (recordAudit marks any other).
    expect(stored).not.toContain("details_off_schema");
    const lines = stored
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string });
    expect(lines.map((l) => l.id).sort()).toEqual(dayRows.map((r) => (r as unknown as { id: string }).id).sort());

    const again = await stack.api(`/api/audit/export?date=${date}`, { method: "POST" });
    expect(again.files).toEqual(first.files);
  });
});

/** Reads an exported object back from the local R2 store, the way an operator would. */
function readR2Object(key: string): string {
  const result = spawnSync(
    "npx",
    ["wrangler", "r2", "object", "get", `kora-audit/${key}`, "--local", "--persist-to", stack.persistTo, "--pipe"],
    { encoding: "utf8", env: { ...process.env, CI: "true" } },
  );
  if (result.status !== 0) throw new Error(`r2 object get ${key} failed: ${result.stderr}`);
  return result.stdout;
}
