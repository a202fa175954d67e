import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { consumeWakeMessage, retryDelaySeconds } from "../../src/wake/consumer";
import { world } from "../world";
import {
  completedRow,
  deliver,
  dmLog,
  machineState,
  seedCrashedMachine,
  sessionRows,
  wakeFor,
  withVars,
} from "./helpers";
import { ENVELOPE_ON, posts, seamRows, startIncidentWorld } from "./incident-harness";

const FLY_ON = withVars({ KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" });

async function fixActionsSent(callerSessionId: string): Promise<number> {
  return (await sessionRows(callerSessionId)).filter(
    (row) => row.seam === "tool.probe_autofix_attempted" && row.details.action_taken !== undefined,
  ).length;
}

async function insertClaim(wake: ReturnType<typeof wakeFor>, claimedAt: Date): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO investigations (wake_id, caller_session_id, probe, target, status, claimed_at, claim_token)
     VALUES (?1, ?2, ?3, ?4, 'running', ?5, 'someone-else')`,
  )
    .bind(wake.wake_id, wake.caller_session_id, wake.probe, wake.target, claimedAt.toISOString())
    .run();
}

beforeEach(async () => {
  await world.reset();
});

describe("at-least-once delivery", () => {
  it("the same wake delivered 5 times sends exactly one DM and at most one fix", async () => {
    const machine = await seedCrashedMachine();
    const wake = wakeFor(machine);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const { id, result } = await deliver(wake, { env: FLY_ON, attempts: attempt });
      expect(result.explicitAcks).toEqual([id]);
    }
    expect(await world.slack.posts()).toHaveLength(1);
    expect(await dmLog(wake.caller_session_id)).toHaveLength(1);
    expect(await fixActionsSent(wake.caller_session_id)).toBe(1);
    expect(await machineState(machine)).toBe("started");
    const completed = (await sessionRows(wake.caller_session_id)).filter(
      (row) => row.seam === "probe.investigation_completed",
    );
    expect(completed).toHaveLength(1);
  });

  it("two deliveries at once: one investigates, the other is retried, and a later redelivery is acked silently", async () => {
    const machine = await seedCrashedMachine();
    const wake = wakeFor(machine);
    const [a, b] = await Promise.all([deliver(wake, { env: FLY_ON }), deliver(wake, { env: FLY_ON })]);
    const acks = [...a.result.explicitAcks, ...b.result.explicitAcks];
    const retries = [...a.result.retryMessages, ...b.result.retryMessages];
    expect(acks).toHaveLength(1);
    expect(retries).toHaveLength(1);

    const later = await deliver(wake, { env: FLY_ON, attempts: 2 });
    expect(later.result.explicitAcks).toEqual([later.id]);
    expect(await world.slack.posts()).toHaveLength(1);
    expect(await fixActionsSent(wake.caller_session_id)).toBe(1);
  });

  it("takes over a claim older than the consumer's wall-time limit (its worker died)", async () => {
    const machine = await seedCrashedMachine();
    const wake = wakeFor(machine);
    await insertClaim(wake, new Date(Date.now() - 20 * 60 * 1000));

    const { id, result } = await deliver(wake, { env: FLY_ON, attempts: 2 });

    expect(result.explicitAcks).toEqual([id]);
    expect(await world.slack.posts()).toHaveLength(1);
    expect(await machineState(machine)).toBe("started");
    const row = await env.DB.prepare("SELECT status, dm_status FROM investigations WHERE wake_id = ?1")
      .bind(wake.wake_id)
      .first();
    expect(row).toEqual({ status: "done", dm_status: "sent" });
  });

  it("leaves a live claim alone and retries until it is done or stale", async () => {
    const wake = wakeFor(await seedCrashedMachine());
    await insertClaim(wake, new Date(Date.now() - 2 * 60 * 1000));

    // The test harness does not report retry delays, so read them off the message itself.
    const message = recordingMessage(wake);
    await consumeWakeMessage(message, FLY_ON, parseConfig(FLY_ON));

    expect(message.acked).toBe(false);
    expect(message.retried?.delaySeconds).toBeGreaterThan(12 * 60);
    expect(await world.slack.posts()).toEqual([]);
    expect(await world.requests({ provider: "anthropic" })).toEqual([]);
  });

  it("a failed audit write retries the message, and the retry neither re-sends the DM nor drops the row", async () => {
    const wake = wakeFor(await seedCrashedMachine());
    const failing = withVars({ KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" });
    failing.DB = dbFailingSeam(env.DB, "probe.investigation_completed");

    const first = await deliver(wake, { env: failing });
    expect(first.result.explicitAcks).toEqual([]);
    expect(first.result.retryMessages).toEqual([{ msgId: first.id }]);
    expect(await completedRow(wake.caller_session_id)).toBeUndefined();
    expect(await world.slack.posts()).toHaveLength(1);

    const second = await deliver(wake, { env: FLY_ON, attempts: 2 });
    expect(second.result.explicitAcks).toEqual([second.id]);
    expect(await world.slack.posts()).toHaveLength(1);
    expect((await completedRow(wake.caller_session_id))?.details.dm_status).toBe("sent");
  });
});

describe("a follow-up wake retried after a crash midway", () => {
  it("posts its escalation once and writes one escalated row", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    const wake = await kora.fixThenRecrash();
    const followUp = kora.queue.messages[1];
    expect(followUp).toMatchObject({ kind: "refailure" });

    const failing = { ...kora.env, DB: dbFailingSeam(kora.env.DB, "probe.investigation_completed") };
    const first = await deliver(followUp, { env: failing });
    expect(first.result.retryMessages).toEqual([{ msgId: first.id }]);
    const second = await deliver(followUp, { env: kora.env, attempts: 2 });
    expect(second.result.explicitAcks).toEqual([second.id]);

    const [root, reply, ...extra] = await posts();
    expect(extra).toEqual([]);
    expect(reply).toMatchObject({ thread_ts: root?.ts, reply_broadcast: true });
    expect(await seamRows(wake.caller_session_id, "probe.incident_escalated")).toHaveLength(1);
  });
});

describe("retry backoff", () => {
  it("doubles from 30 seconds and stops growing at 10 minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(retryDelaySeconds)).toEqual([30, 60, 120, 240, 480, 600, 600]);
  });
});

describe("poison and dead letters", () => {
  it("a malformed body is one probe.wake_rejected row and an ack, never a retry", async () => {
    const { id, result } = await deliver({ v: 1, probe: "fly", target: "" });
    expect(result.explicitAcks).toEqual([id]);
    const rows = await sessionRows(`queue:${id}`);
    expect(rows.map((row) => row.seam)).toEqual(["probe.wake_rejected"]);
    expect(JSON.stringify(rows[0]?.details.problems)).toContain("wake_id");
    expect(await world.slack.posts()).toEqual([]);
  });

  it("a dead-lettered wake writes probe.wake_dead_lettered, DMs a short notice, and closes the investigation", async () => {
    const wake = wakeFor("m0deadletter01");
    const { id, result } = await deliver(wake, { queue: "kora-wake-dlq", attempts: 3 });
    expect(result.explicitAcks).toEqual([id]);

    const rows = await sessionRows(wake.caller_session_id);
    expect(rows.map((row) => row.seam)).toEqual(["probe.wake_dead_lettered"]);
    expect(rows[0]?.details).toMatchObject({ wake_id: wake.wake_id, attempts: 3, notice_dm_status: "sent" });
    const [post] = await world.slack.posts();
    expect(post?.text).toContain("could not finish investigating fly target m0deadletter01");
    const row = await env.DB.prepare("SELECT status FROM investigations WHERE wake_id = ?1").bind(wake.wake_id).first();
    expect(row).toEqual({ status: "done" });

    await deliver(wake, { queue: "kora-wake-dlq", attempts: 3 });
    expect(await world.slack.posts()).toHaveLength(1);
  });
});

/** A queue message that remembers how it was settled. */
function recordingMessage(body: unknown) {
  const message = {
    id: "msg-recording",
    timestamp: new Date(),
    body,
    attempts: 1,
    acked: false,
    retried: undefined as QueueRetryOptions | undefined,
    ack() {
      message.acked = true;
    },
    retry(options?: QueueRetryOptions) {
      message.retried = options ?? {};
    },
  };
  return message;
}

/**
 * A D1 binding whose inserts of one audit seam fail, as a D1 outage would: everything else
 * reaches the real database.
 */
function dbFailingSeam(db: D1Database, seam: string): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property !== "prepare") {
        const value: unknown = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (sql: string) => {
        const statement = target.prepare(sql);
        if (!sql.includes("INSERT INTO audit_events")) return statement;
        return {
          bind: (...values: unknown[]) =>
            values[2] === seam
              ? { run: () => Promise.reject(new Error("D1_ERROR: injected outage")) }
              : statement.bind(...values),
        };
      };
    },
  });
}
