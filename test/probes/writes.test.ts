import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { world } from "../world";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "./harness";
import { meteredD1 } from "./metered-db";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

const machines = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(13, "0")}`);

/** D1's own count of rows a cycle wrote: a first cycle that sees everything, then the one measured. */
async function rowsWritten(fleet: number, change?: (ids: string[]) => Promise<void>) {
  const ids = machines(fleet);
  await world.fly.machines(ids.map((id) => ({ app: "kora-web", id })));
  const { db, meter } = meteredD1(env.DB);
  const { env: koraEnv } = probeEnv();
  const metered = { ...koraEnv, DB: db };
  await fireCycle(metered, minute(1));
  await fireCycle(metered, minute(2));
  if (change) await change(ids);
  meter.reset();
  await fireCycle(metered, minute(3));
  return { written: meter.rows_written, read: meter.rows_read };
}

describe("a probe cycle writes in proportion to change", () => {
  it("writes the same number of rows over 10 and over 200 healthy, unchanged machines", async () => {
    const small = await rowsWritten(10);
    await clearProbeTables();
    await seedHealthyWorld();
    const large = await rowsWritten(200);

    expect(large.written).toBe(small.written);
    // The minute's own claim and its completion: nothing per target.
    expect(small.written).toBeGreaterThan(0);
    expect(small.written).toBeLessThanOrEqual(3);
  });

  it("writes nothing for a healthy target whose numbers moved: an error count under the threshold is no change", async () => {
    const quiet = await rowsWritten(10);
    await clearProbeTables();
    await seedHealthyWorld();
    const moved = await rowsWritten(10, async () => {
      await world.sentry.project("acme", "web", 5); // 10 → 25 errors in the window, threshold 50
    });
    expect(moved.written).toBe(quiet.written);
  });

  it("writes a changed target once: its state and one transition, whatever the fleet's size", async () => {
    const crashOne = async (ids: string[]) => {
      await world.fly.crash(ids[0] ?? "");
    };
    const quiet = await rowsWritten(10);
    await clearProbeTables();
    await seedHealthyWorld();
    const small = await rowsWritten(10, crashOne);
    await clearProbeTables();
    await seedHealthyWorld();
    const large = await rowsWritten(200, crashOne);

    expect(large.written).toBe(small.written);
    const forOne = small.written - quiet.written;
    expect(forOne).toBeGreaterThan(0);
    expect(forOne).toBeLessThanOrEqual(4);
    const [change] = (
      await env.DB.prepare("SELECT to_status FROM probe_transitions WHERE target = ?1 AND at = ?2")
        .bind(machines(1)[0], new Date(minute(3)).toISOString())
        .all()
    ).results;
    expect(change).toEqual({ to_status: "unhealthy" });
  });
});
