import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { PRUNE_BATCH_ROWS, PROBE_HISTORY_RETENTION_DAYS } from "../../src/probes/cycle/state";
import { world } from "../world";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "./harness";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

async function insertOldResults(count: number, daysOld: number, firstKey = 0): Promise<void> {
  const observed = new Date(minute(0) - daysOld * 86_400_000).toISOString();
  const statements = Array.from({ length: count }, (_, i) =>
    env.DB.prepare(
      `INSERT INTO probe_results (scheduled_time, probe, target, status, detail, observed_at)
       VALUES (?1, 'fly', 'old-machine', 'healthy', '{"summary":"old"}', ?2)`,
    ).bind(firstKey + i, observed),
  );
  for (let i = 0; i < statements.length; i += 500) await env.DB.batch(statements.slice(i, i + 500));
}

/** The per-minute rows the cycle still writes until history is kept as transitions only. */
async function getProbeHistory(probe: string, target: string) {
  const { results } = await env.DB.prepare(
    "SELECT scheduled_time, status, detail FROM probe_results WHERE probe = ?1 AND target = ?2 ORDER BY seq DESC",
  )
    .bind(probe, target)
    .all<{ scheduled_time: number; status: string; detail: string }>();
  return results.map((row) => ({ ...row, detail: JSON.parse(row.detail) as { summary: string } }));
}

const countOld = async () =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM probe_results WHERE target = 'old-machine'").first<{ n: number }>())
    ?.n;

describe("probe history", () => {
  it("keeps each cycle's result per target, newest first, for the console", async () => {
    const { env: koraEnv } = probeEnv();
    await fireCycle(koraEnv, minute(0));
    await world.fly.crash("148e21ea7d9089");
    await fireCycle(koraEnv, minute(1));

    const history = await getProbeHistory("fly", "148e21ea7d9089");
    expect(history.map((row) => [row.scheduled_time, row.status])).toEqual([
      [minute(1), "unhealthy"],
      [minute(0), "healthy"],
    ]);
    expect(history[0]?.detail.summary).toContain("crashed");
  });

  it(`drops results older than ${PROBE_HISTORY_RETENTION_DAYS} days, at most ${PRUNE_BATCH_ROWS} rows per cycle`, async () => {
    const { env: koraEnv } = probeEnv();
    await insertOldResults(PRUNE_BATCH_ROWS + 200, PROBE_HISTORY_RETENTION_DAYS + 1);
    await insertOldResults(5, PROBE_HISTORY_RETENTION_DAYS - 1, 10_000);

    await fireCycle(koraEnv, minute(0));
    expect(await countOld()).toBe(205);
    await fireCycle(koraEnv, minute(1));
    expect(await countOld()).toBe(5);
    expect(await getProbeHistory("doppler", "api/prd")).toHaveLength(2);
  });

  it("forgets the state of a target not seen for the retention period (a destroyed machine)", async () => {
    const { env: koraEnv } = probeEnv();
    const longAgo = new Date(minute(0) - (PROBE_HISTORY_RETENTION_DAYS + 1) * 86_400_000).toISOString();
    await env.DB.prepare(
      `INSERT INTO probe_state (probe, target, last_status, last_detail, last_observed_at, consecutive_unhealthy)
       VALUES ('fly', 'gone-machine', 'unhealthy', '{"summary":"crashed"}', ?1, 4)`,
    )
      .bind(longAgo)
      .run();
    await fireCycle(koraEnv, minute(0));
    const row = await env.DB.prepare("SELECT 1 FROM probe_state WHERE target = 'gone-machine'").first();
    expect(row).toBeNull();
  });
});
