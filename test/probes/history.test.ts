import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getTargetTransitions } from "../../src/probes/queries";
import { PROBE_HISTORY_RETENTION_DAYS } from "../../src/probes/cycle/state";
import { world } from "../world";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "./harness";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

async function insertTransitions(count: number, daysOld: number, target: string): Promise<void> {
  const statements = Array.from({ length: count }, (_, i) =>
    env.DB.prepare(
      `INSERT INTO probe_transitions (probe, target, at, from_status, to_status, detail)
       VALUES ('fly', ?1, ?2, 'healthy', 'unhealthy', '{"summary":"old"}')`,
    ).bind(target, new Date(minute(0) - daysOld * 86_400_000 - i * 60_000).toISOString()),
  );
  for (let i = 0; i < statements.length; i += 500) await env.DB.batch(statements.slice(i, i + 500));
}

const countOf = async (target: string) =>
  (
    await env.DB.prepare("SELECT COUNT(*) AS n FROM probe_transitions WHERE target = ?1")
      .bind(target)
      .first<{ n: number }>()
  )?.n;

describe("probe history, kept as transitions", () => {
  it("keeps each status change of a target, newest first, and nothing for the minutes in between", async () => {
    const { env: koraEnv } = probeEnv();
    await fireCycle(koraEnv, minute(0));
    await world.fly.crash("148e21ea7d9089");
    for (let n = 1; n <= 4; n++) await fireCycle(koraEnv, minute(n));

    const history = await getTargetTransitions(env.DB, "fly", "148e21ea7d9089");
    expect(history.map((row) => [Date.parse(row.at), row.to_status])).toEqual([
      [minute(1), "unhealthy"],
      [minute(0), "healthy"],
    ]);
    expect(history[0]?.detail.summary).toContain("crashed");
    const change = await env.DB.prepare(
      "SELECT from_status, to_status FROM probe_transitions WHERE target = '148e21ea7d9089' ORDER BY at DESC LIMIT 1",
    ).first();
    expect(change).toEqual({ from_status: "healthy", to_status: "unhealthy" });
  });

  it(`drops changes older than ${PROBE_HISTORY_RETENTION_DAYS} days in the first cycle of an hour, and leaves newer ones`, async () => {
    const { env: koraEnv } = probeEnv();
    await insertTransitions(50, PROBE_HISTORY_RETENTION_DAYS + 1, "old-machine");
    await insertTransitions(5, PROBE_HISTORY_RETENTION_DAYS - 1, "recent-machine");

    // minute(1) is 10:01: no pruning pass, the table is not read for it.
    await fireCycle(koraEnv, minute(1));
    expect(await countOf("old-machine")).toBe(50);
    // minute(60) is 11:00: the hourly pass.
    await fireCycle(koraEnv, minute(60));
    expect(await countOf("old-machine")).toBe(0);
    expect(await countOf("recent-machine")).toBe(5);
  });

  it("forgets the state of a machine its app no longer lists (destroyed), once the listing saw everything", async () => {
    const { env: koraEnv } = probeEnv();
    await env.DB.prepare(
      `INSERT INTO probe_state (probe, target, last_status, last_detail, last_observed_at, consecutive_unhealthy)
       VALUES ('fly', 'gone-machine', 'unhealthy', '{"summary":"crashed"}', ?1, 4)`,
    )
      .bind(new Date(minute(0)).toISOString())
      .run();
    await fireCycle(koraEnv, minute(1));
    const row = await env.DB.prepare("SELECT 1 FROM probe_state WHERE target = 'gone-machine'").first();
    expect(row).toBeNull();
  });

  it("keeps a machine's state while its app cannot be listed: absence after an error proves nothing", async () => {
    const { env: koraEnv } = probeEnv();
    await fireCycle(koraEnv, minute(0));
    await world.fault({ provider: "fly", kind: "status", status: 503, times: 10 });
    await fireCycle(koraEnv, minute(1));
    const row = await env.DB.prepare("SELECT last_status FROM probe_state WHERE target = '148e21ea7d9089'").first();
    expect(row).toEqual({ last_status: "healthy" });
  });
});
