import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getRecentCycles, getTargetStatus } from "../../src/probes/queries";
import { WakeMessage } from "../../src/contracts";
import { world } from "../world";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld, wakeAuditRows } from "./harness";

const CRASHED = "148e21ea7d9089";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
  await world.fly.crash(CRASHED);
});

/**
 * The real D1 binding, except that the cycle's final transaction — the one that marks the minute
 * complete — fails: a crash after the wake was sent, before the cycle's state committed.
 */
function dbFailingFinalBatch(): D1Database {
  const db = env.DB;
  const final = new WeakSet<D1PreparedStatement>();
  return {
    prepare: (query) => {
      const statement = db.prepare(query);
      if (!query.includes("SET completed_at")) return statement;
      final.add(statement);
      const bind = statement.bind.bind(statement);
      statement.bind = (...values: unknown[]) => {
        const bound = bind(...values);
        final.add(bound);
        return bound;
      };
      return statement;
    },
    batch: (statements) =>
      statements.some((statement) => final.has(statement))
        ? Promise.reject(new Error("D1_ERROR: simulated crash before commit"))
        : db.batch(statements),
    exec: (query) => db.exec(query),
    withSession: (constraint) => db.withSession(constraint),
    dump: () => db.dump(),
  };
}

describe("a cycle fired twice for the same scheduledTime", () => {
  it("does nothing new the second time: no probe call, no message, no audit row", async () => {
    const { env: koraEnv, queue } = probeEnv();
    await fireCycle(koraEnv, minute(0));
    await fireCycle(koraEnv, minute(1));
    expect(queue.messages).toHaveLength(1);
    const callsBefore = (await world.requests()).length;
    const historyBefore = await env.DB.prepare("SELECT COUNT(*) AS n FROM probe_transitions").first<{ n: number }>();

    await fireCycle(koraEnv, minute(1));

    expect(queue.messages).toHaveLength(1);
    expect(await wakeAuditRows()).toHaveLength(1);
    expect((await world.requests()).length).toBe(callsBefore);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM probe_transitions").first<{ n: number }>()).toEqual(
      historyBefore,
    );
    expect((await getTargetStatus(env.DB, "fly", CRASHED))?.consecutive_unhealthy).toBe(2);
  });

  it("leaves a firing still in progress alone", async () => {
    const { env: koraEnv, queue } = probeEnv();
    await env.DB.prepare("INSERT INTO probe_cycles (scheduled_time, started_at) VALUES (?1, ?2)")
      .bind(minute(0), new Date().toISOString())
      .run();
    await fireCycle(koraEnv, minute(0));
    expect(await world.requests()).toEqual([]);
    expect(queue.messages).toEqual([]);
  });

  it("after a crash midway, a later firing takes over and re-sends the same wake id, with still one audit row", async () => {
    const { env: koraEnv, queue } = probeEnv();
    await fireCycle(koraEnv, minute(0));
    await expect(fireCycle({ ...koraEnv, DB: dbFailingFinalBatch() }, minute(1))).rejects.toThrow(/simulated crash/);
    expect(queue.messages).toHaveLength(1);
    expect((await getTargetStatus(env.DB, "fly", CRASHED))?.consecutive_unhealthy).toBe(1);

    // The crashed claim goes stale; the cron's re-run of the same minute picks it up.
    await env.DB.prepare("UPDATE probe_cycles SET started_at = '2000-01-01T00:00:00.000Z' WHERE scheduled_time = ?1")
      .bind(minute(1))
      .run();
    await fireCycle(koraEnv, minute(1));

    const [first, again] = queue.messages.map((m) => WakeMessage.parse(m));
    expect(again?.wake_id).toBe(first?.wake_id);
    expect(await wakeAuditRows()).toHaveLength(1);
    expect(await getTargetStatus(env.DB, "fly", CRASHED)).toMatchObject({
      consecutive_unhealthy: 2,
      last_wake_id: first?.wake_id,
    });
    expect((await getRecentCycles(env.DB)).every((cycle) => cycle.completed_at !== null)).toBe(true);
  });

  it("does not take over a crashed minute once a newer cycle has completed", async () => {
    const { env: koraEnv, queue } = probeEnv();
    await env.DB.prepare(
      "INSERT INTO probe_cycles (scheduled_time, started_at) VALUES (?1, '2000-01-01T00:00:00.000Z')",
    )
      .bind(minute(0))
      .run();
    await fireCycle(koraEnv, minute(1));
    const calls = (await world.requests()).length;
    await fireCycle(koraEnv, minute(0));
    expect((await world.requests()).length).toBe(calls);
    expect(queue.messages).toEqual([]);
  });
});

describe("when the queue refuses the wakes", () => {
  it("writes no audit row, keeps counting, and the next cycle sends the wake", async () => {
    const { env: koraEnv, queue } = probeEnv();
    await fireCycle(koraEnv, minute(0));
    queue.failNext = 1;
    await expect(fireCycle(koraEnv, minute(1))).rejects.toThrow(/could not send 1 wake/);
    expect(await wakeAuditRows()).toEqual([]);
    expect(await getTargetStatus(env.DB, "fly", CRASHED)).toMatchObject({
      consecutive_unhealthy: 2,
      last_wake_id: null,
    });

    await fireCycle(koraEnv, minute(2));
    const [message] = queue.messages.map((m) => WakeMessage.parse(m));
    expect(message).toMatchObject({ target: CRASHED, consecutive_unhealthy: 3 });
    expect((await wakeAuditRows()).map((row) => row.caller_session_id)).toEqual([message?.caller_session_id]);
  });
});
