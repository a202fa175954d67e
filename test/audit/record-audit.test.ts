import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuditWriteError } from "../../src/audit/record";
import { listAuditEvents } from "../../src/audit/queries";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { seedAuditRow } from "../audit-seed.ts";

afterEach(() => vi.restoreAllMocks());

describe("recordAudit", () => {
  it("writes a row with every field to D1", async () => {
    const now = new Date("2026-11-24T10:00:00.000Z");
    await seedAuditRow(
      env,
      { seam: "probe.wake_requested", caller_session_id: "wake:fields", source: "cron", details: { probe: "fly" } },
      now,
    );
    const { rows } = await listAuditEvents(env.DB, { caller_session_id: "wake:fields", limit: 10 });
    expect(rows).toEqual([
      {
        seq: expect.any(Number),
        id: expect.any(String),
        emitted_at: "2026-11-24T10:00:00.000Z",
        seam: "probe.wake_requested",
        caller_session_id: "wake:fields",
        source: "cron",
        details: { probe: "fly" },
      },
    ]);
  });

  it("prints the row as one JSON line for wrangler tail", async () => {
    const log = vi.spyOn(console, "log");
    const row = await seedAuditRow(env, {
      seam: "tool.probe_autofix_attempted",
      caller_session_id: "wake:tail",
      source: "reasoning",
      details: { status: "rejected" },
    });
    const lines = log.mock.calls.map(([line]) => JSON.parse(String(line)) as unknown);
    expect(lines).toContainEqual({ kora_audit: row });
  });

  it("writes a row once however often the same id is recorded", async () => {
    const event = {
      id: "wake_requested:once",
      seam: "probe.wake_requested" as const,
      caller_session_id: "wake:once",
      source: "cron" as const,
      details: {},
    };
    await seedAuditRow(env, event);
    await seedAuditRow(env, event);
    const { rows } = await listAuditEvents(env.DB, { caller_session_id: "wake:once", limit: 10 });
    expect(rows).toHaveLength(1);
  });

  it("redacts configured secret values wherever they appear", async () => {
    const secret = TEST_SECRETS.KORA_FLY_API_TOKEN as string;
    const log = vi.spyOn(console, "log");
    await seedAuditRow(env, {
      seam: "tool.probe_autofix_attempted",
      caller_session_id: "wake:secret",
      source: "reasoning",
      details: { error: `Fly said: bad token ${secret}`, nested: [{ [secret]: secret }] },
    });
    const { rows } = await listAuditEvents(env.DB, { caller_session_id: "wake:secret", limit: 1 });
    const stored = JSON.stringify(rows[0]);
    expect(stored).not.toContain(secret);
    expect(rows[0]?.details.error).toBe("Fly said: bad token [redacted]");
    expect(log.mock.calls.flat().join("\n")).not.toContain(secret);
  });

  it("retries a failed write and then succeeds", async () => {
    let failures = 2;
    const flaky = flakyDb(() => failures-- > 0);
    await seedAuditRow(
      { ...env, DB: flaky },
      { seam: "probe.wake_rejected", caller_session_id: "wake:flaky", source: "system", details: {} },
    );
    const { rows } = await listAuditEvents(env.DB, { caller_session_id: "wake:flaky", limit: 10 });
    expect(rows).toHaveLength(1);
  });

  it("surfaces the error to the caller when every attempt fails", async () => {
    const broken = flakyDb(() => true);
    await expect(
      seedAuditRow(
        { ...env, DB: broken },
        { seam: "probe.wake_rejected", caller_session_id: "wake:broken", source: "system", details: {} },
      ),
    ).rejects.toBeInstanceOf(AuditWriteError);
  });
});

/** The real D1 binding, with writes that fail while `shouldFail()` says so (a D1 outage). */
function flakyDb(shouldFail: () => boolean): D1Database {
  return {
    ...env.DB,
    prepare(sql: string) {
      const statement = env.DB.prepare(sql);
      return {
        bind: (...values: unknown[]) => {
          const bound = statement.bind(...values);
          return {
            run: () => (shouldFail() ? Promise.reject(new Error("D1_ERROR: database is unavailable")) : bound.run()),
          };
        },
      };
    },
  } as unknown as D1Database;
}
