import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { appendDmLogEntry } from "../../src/audit/dm-log";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { seedIncident, type SeededIncident } from "./seed-incident";
import { seedAuditRow } from "../audit-seed.ts";

const TOKEN = TEST_SECRETS.KORA_OPERATOR_TOKEN ?? "";
const call = (method: string, path: string, token?: string) =>
  exports.default.fetch(
    new Request(`https://kora.test${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} }),
  );
const today = new Date().toISOString().slice(0, 10);

interface TimelineBody {
  investigation: { wake_id: string; dm_status: string; cost_usd: number } | null;
  entries: {
    kind: "audit" | "dm";
    at: string;
    seq: number;
    seam?: string;
    caller_session_id: string;
    details?: Record<string, unknown>;
    dm_status?: string;
    dm_kind?: string;
    text?: string;
  }[];
  next_cursor: string | null;
}

let incident: SeededIncident;
let other: SeededIncident;

beforeAll(async () => {
  incident = await seedIncident({ start: "2026-11-05T10:00:00.000Z" });
  other = await seedIncident({ start: "2026-11-05T10:00:05.000Z", dm_status: "failed_send", target: "91852e4f3a7b20" });
});

describe.each([
  ["GET", "/api/investigations"],
  ["GET", "/api/sessions/wake:x/timeline"],
  ["POST", `/api/audit/export?date=${today}`],
])("%s %s", (method, path) => {
  it("refuses a request without a token with 401", async () => {
    const response = await call(method, path);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("refuses a wrong token with 401 and never says what the right one is", async () => {
    const response = await call(method, path, "not-the-operator-token");
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(TOKEN);
  });

  it("answers 503 naming the variable when no operator token is configured", async () => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(`https://kora.test${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } }),
      { ...env, KORA_OPERATOR_TOKEN: "" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("KORA_OPERATOR_TOKEN");
  });
});

describe("authorised calls", () => {
  it("answers each route with the right token", async () => {
    expect((await call("GET", "/api/investigations", TOKEN)).status).toBe(200);
    expect((await call("GET", `/api/sessions/${incident.caller_session_id}/timeline`, TOKEN)).status).toBe(200);
    expect((await call("POST", `/api/audit/export?date=${today}`, TOKEN)).status).toBe(200);
  });
});

describe("validation", () => {
  it.each([
    ["GET", "/api/investigations?dm_status=delivered", "dm_status"],
    ["GET", "/api/investigations?limit=0", "limit"],
    ["GET", "/api/investigations?limit=201", "limit"],
    ["GET", "/api/investigations?cursor=not-a-cursor", "cursor"],
    ["GET", `/api/investigations?cursor=${btoa('{"claimed_at":1}')}`, "cursor"],
    ["GET", "/api/investigations?status=sleeping", "status"],
    ["GET", "/api/investigations?colour=blue", "colour"],
    ["GET", "/api/sessions/wake:x/timeline?limit=501", "limit"],
    ["GET", "/api/sessions/wake:x/timeline?cursor=%7B%7D", "cursor"],
    ["GET", `/api/sessions/${"x".repeat(201)}/timeline`, "caller_session_id"],
    ["POST", "/api/audit/export", "date"],
    ["POST", "/api/audit/export?date=yesterday", "date"],
    ["POST", "/api/audit/export?date=2026-02-30", "date"],
    ["POST", "/api/audit/export?date=2999-01-01", "future"],
  ])("%s %s answers 400 naming %s", async (method, path, name) => {
    const response = await call(method, path, TOKEN);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toContain(name);
  });

  it("answers 404 for a session nothing was recorded for", async () => {
    const response = await call("GET", "/api/sessions/wake:nobody/timeline", TOKEN);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("wake:nobody");
  });
});

describe("GET /api/sessions/:caller_session_id/timeline", () => {
  it("returns wake, autofix attempts, DM and completion in time order, joined to the investigation", async () => {
    const response = await call("GET", `/api/sessions/${incident.caller_session_id}/timeline`, TOKEN);
    const body = (await response.json()) as TimelineBody;
    expect(body.investigation).toMatchObject({ wake_id: incident.wake_id, dm_status: "sent", cost_usd: 0.0186 });
    expect(body.entries.map((e) => (e.kind === "dm" ? `dm:${e.dm_status}` : e.seam))).toEqual([
      "probe.wake_requested",
      "tool.probe_autofix_attempted",
      "tool.probe_autofix_attempted",
      "dm:sent",
      "probe.investigation_completed",
    ]);
    expect(body.entries.map((e) => e.caller_session_id)).toEqual(Array(5).fill(incident.caller_session_id));
    expect(body.entries[1]?.details).toMatchObject({ status: "rejected", rejection_reason: "action_not_allowed" });
    expect(body.entries[2]?.details).toMatchObject({
      status: "attempted",
      outcome: "recovered",
      before_state: { state: "stopped" },
      after_state: { state: "started" },
    });
    expect(body.entries[3]).toMatchObject({ dm_kind: "investigation", text: expect.stringContaining("recovered") });
    expect(body.next_cursor).toBeNull();
  });

  it("keeps another incident's rows out", async () => {
    const response = await call("GET", `/api/sessions/${other.caller_session_id}/timeline`, TOKEN);
    const body = (await response.json()) as TimelineBody;
    expect(body.investigation?.dm_status).toBe("failed_send");
    expect(new Set(body.entries.map((e) => e.caller_session_id))).toEqual(new Set([other.caller_session_id]));
  });

  it("pages with a cursor without skipping or repeating, across equal timestamps", async () => {
    const session = "wake:ties";
    const instant = new Date("2026-11-05T12:00:00.000Z");
    for (let i = 0; i < 3; i++) {
      await seedAuditRow(
        env,
        { seam: "probe.wake_requested", caller_session_id: session, source: "cron", details: { i } },
        instant,
      );
      await appendDmLogEntry(env.DB, {
        id: `ties-${i}`,
        created_at: instant.toISOString(),
        caller_session_id: session,
        kind: "investigation",
        channel: null,
        dm_status: "sent",
        text: `dm ${i}`,
        blocks: null,
        slack_ts: null,
        error: null,
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const response = await call(
        "GET",
        `/api/sessions/${session}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        TOKEN,
      );
      const body = (await response.json()) as TimelineBody;
      seen.push(...body.entries.map((e) => `${e.kind}:${e.seq}`));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    const whole = (await (await call("GET", `/api/sessions/${session}/timeline`, TOKEN)).json()) as {
      entries: { kind: string; seq: number }[];
    };
    expect(seen).toEqual(whole.entries.map((e) => `${e.kind}:${e.seq}`));
    expect(seen).toHaveLength(6);
    // Audit rows before DM rows at the same instant, each stream in seq order.
    expect(seen.slice(0, 3).every((s) => s.startsWith("audit:"))).toBe(true);
  });
});

describe("GET /api/investigations", () => {
  it("filters by dm_status", async () => {
    const response = await call("GET", "/api/investigations?dm_status=failed_send", TOKEN);
    const body = (await response.json()) as { investigations: { wake_id: string; dm_status: string }[] };
    expect(body.investigations.map((i) => i.wake_id)).toEqual([other.wake_id]);
  });

  it("pages newest first, and a row added between pages neither repeats nor shifts the next page", async () => {
    for (let i = 0; i < 5; i++) {
      await seedIncident({ start: `2026-11-04T0${i}:00:00.000Z`, dm_status: "engine_unavailable_fallback" });
    }
    const page = async (cursor: string | null) =>
      (await (
        await call(
          "GET",
          `/api/investigations?dm_status=engine_unavailable_fallback&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
          TOKEN,
        )
      ).json()) as { investigations: { claimed_at: string }[]; next_cursor: string | null };
    const first = await page(null);
    await seedIncident({ start: "2026-11-06T00:00:00.000Z", dm_status: "engine_unavailable_fallback" });
    const second = await page(first.next_cursor);
    const third = await page(second.next_cursor);
    const times = [...first.investigations, ...second.investigations, ...third.investigations].map((i) => i.claimed_at);
    expect(times).toEqual([
      "2026-11-04T04:00:01.000Z",
      "2026-11-04T03:00:01.000Z",
      "2026-11-04T02:00:01.000Z",
      "2026-11-04T01:00:01.000Z",
      "2026-11-04T00:00:01.000Z",
    ]);
    expect(third.next_cursor).toBeNull();
  });
});

describe("POST /api/audit/export", () => {
  it("exports the day and answers keys, counts and hashes; a second call changes nothing", async () => {
    const first = (await (await call("POST", "/api/audit/export?date=2026-11-05", TOKEN)).json()) as {
      manifest_key: string;
      changed: boolean;
      files: { key: string; rows: number; sha256: string }[];
    };
    expect(first.manifest_key).toBe("audit/dt=2026-11-05/manifest.json");
    expect(first.changed).toBe(true);
    expect(first.files.map((f) => [f.key, f.rows])).toEqual([
      ["audit/dt=2026-11-05/audit_events.jsonl", 11],
      ["audit/dt=2026-11-05/slack_dm_log.jsonl", 5],
    ]);
    expect(first.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    const second = (await (await call("POST", "/api/audit/export?date=2026-11-05", TOKEN)).json()) as {
      changed: boolean;
    };
    expect(second.changed).toBe(false);
  });
});
