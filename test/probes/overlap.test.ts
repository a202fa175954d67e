import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { WakeMessage } from "../../src/contracts";
import { world } from "../world";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld, wakeAuditRows } from "./harness";

const CRASHED = "148e21ea7d9089";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

/**
 * The real D1 binding, except that the first transaction that writes a wake into a target's
 * state (the claim, whatever its condition) or finishes the cycle waits until `open()` is called.
 * It holds a cycle between deciding and recording, the window in which another cycle can decide too.
 */
function gatedD1() {
  const db = env.DB;
  let reached: () => void = () => undefined;
  let open: () => void = () => undefined;
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  const gate = new Promise<void>((resolve) => (open = resolve));
  const settling = new WeakSet<D1PreparedStatement>();
  let held = false;
  const gated: D1Database = {
    prepare: (query) => {
      const statement = db.prepare(query);
      if (!/\b(INSERT|UPDATE)\b[\s\S]*\blast_wake_id = |SET completed_at/.test(query)) return statement;
      const bind = statement.bind.bind(statement);
      statement.bind = (...values: unknown[]) => {
        const bound = bind(...values);
        settling.add(bound);
        return bound;
      };
      return statement;
    },
    batch: async (statements) => {
      if (!held && statements.some((s) => settling.has(s))) {
        held = true;
        reached();
        await gate;
      }
      return db.batch(statements);
    },
    exec: (query) => db.exec(query),
    withSession: (constraint) => db.withSession(constraint),
    dump: () => db.dump(),
  };
  return { db: gated, atGate, open };
}

describe("two probe cycles in flight at once", () => {
  it("wake a target once: the second to claim it finds it claimed and sends nothing", async () => {
    const { env: koraEnv, queue } = probeEnv();
    await world.fly.crash(CRASHED);
    await fireCycle(koraEnv, minute(0));

    // Minute 1 decides to wake, then stalls; minute 2 runs from start to end meanwhile.
    const { db, atGate, open } = gatedD1();
    const slow = fireCycle({ ...koraEnv, DB: db }, minute(1));
    await atGate;
    await fireCycle(koraEnv, minute(2));
    open();
    await slow;

    expect(queue.messages).toHaveLength(1);
    const [wake] = queue.messages.map((m) => WakeMessage.parse(m));
    expect(wake?.target).toBe(CRASHED);
    expect(await wakeAuditRows()).toHaveLength(1);
    const incidents = await env.DB.prepare("SELECT COUNT(*) AS n FROM incidents").first<{ n: number }>();
    expect(incidents?.n).toBe(1);
  });
});
