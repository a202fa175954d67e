import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuditWriteError, recordAudit } from "../../src/audit/record";
import { listAuditEvents } from "../../src/audit/queries";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { seedAuditRow } from "../audit-seed.ts";

afterEach(() => vi.restoreAllMocks());

describe("recordAudit", () => {
  it("writes a row with every field to D1", async () => {
    const now = new Date("2026-11-24T10:00:00.000Z");
    const details = {
      wake_id: "w-fields",
      probe: "fly",
      target: "148e21ea7d9089",
      status: "unhealthy",
      observed_at: now.toISOString(),
      consecutive_unhealthy: 2,
      detail: { summary: "crashed" },
      envelope: { enabled: true, fix_name: "restart_machine" },
    } as const;
    await recordAudit(
      env,
      { seam: "probe.wake_requested", caller_session_id: "wake:fields", source: "cron", details },
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
        details,
      },
    ]);
  });

  it("keeps details that do not fit their seam's schema, marked with what is wrong, and logs an error", async () => {
    const errors = vi.spyOn(console, "error");
    const row = await seedAuditRow(env, {
      seam: "probe.wake_requested",
      caller_session_id: "wake:off-schema",
      source: "cron",
      details: { probe: "fly" },
    });
    expect(row.details).toEqual({
      probe: "fly",
      details_off_schema: expect.stringMatching(/^wake_id: .*; target: /),
    });
    const { rows } = await listAuditEvents(env.DB, { caller_session_id: "wake:off-schema", limit: 10 });
    expect(rows.map((stored) => stored.details)).toEqual([row.details]);
    expect(errors.mock.calls.map(([line]) => JSON.parse(String(line)) as unknown)).toContainEqual({
      kora_error: "audit row details off their seam's schema",
      seam: "probe.wake_requested",
      problem: row.details.details_off_schema,
    });
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
