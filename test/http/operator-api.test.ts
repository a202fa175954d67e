import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { seedAuditRow } from "../audit-seed.ts";

const TOKEN = TEST_SECRETS.KORA_OPERATOR_TOKEN;
const get = (path: string, token?: string) =>
  exports.default.fetch(
    new Request(`https://kora.test${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
  );

describe("GET /healthz", () => {
  it("answers ok with the version, no token needed", async () => {
    const response = await get("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});

describe("GET /api/audit", () => {
  it("refuses a wrong token with 401 and the error shape", async () => {
    const response = await get("/api/audit", "wrong-token");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  });

  it("refuses a missing token with 401", async () => {
    expect((await get("/api/audit")).status).toBe(401);
  });

  it("lists rows newest first and pages with a cursor", async () => {
    for (let i = 0; i < 5; i++) {
      await seedAuditRow(env, {
        seam: "probe.wake_requested",
        caller_session_id: `wake:list-${i}`,
        source: "cron",
        details: { i },
      });
    }
    const first = await get("/api/audit?limit=3&seam=probe.wake_requested", TOKEN);
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as { rows: { details: { i: number } }[]; next_cursor: string | null };
    expect(page1.rows.map((r) => r.details.i)).toEqual([4, 3, 2]);
    expect(page1.next_cursor).not.toBeNull();
    const second = await get(`/api/audit?limit=3&seam=probe.wake_requested&cursor=${page1.next_cursor}`, TOKEN);
    const page2 = (await second.json()) as { rows: { details: { i: number } }[]; next_cursor: string | null };
    expect(page2.rows.map((r) => r.details.i)).toEqual([1, 0]);
    expect(page2.next_cursor).toBeNull();
  });

  it("filters by caller_session_id", async () => {
    const response = await get("/api/audit?caller_session_id=wake:list-2", TOKEN);
    const body = (await response.json()) as { rows: { caller_session_id: string }[] };
    expect(body.rows.map((r) => r.caller_session_id)).toEqual(["wake:list-2"]);
  });

  it.each([
    ["limit=abc", "limit"],
    ["limit=0", "limit"],
    ["limit=100000", "limit"],
    ["seam=nope", "seam"],
    ["since=yesterday", "since"],
    ["cursor=-4", "cursor"],
    ["colour=blue", "colour"],
  ])("answers 400 naming the bad parameter for ?%s", async (query, name) => {
    const response = await get(`/api/audit?${query}`, TOKEN);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toContain(name);
  });
});
