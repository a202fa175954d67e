import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getProbeStatus, getTargetStatus } from "../../src/probes/queries";
import { WakeMessage } from "../../src/contracts";
import { world } from "../world";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld, wakeAuditRows } from "./harness";

const CRASHED = "148e21ea7d9089";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

describe("the probe cycle", () => {
  it("sends nothing while the world is healthy, and records every target as healthy", async () => {
    const { env: koraEnv, queue } = probeEnv();
    for (let n = 0; n < 3; n++) await fireCycle(koraEnv, minute(n));

    expect(queue.batches).toEqual([]);
    expect(await wakeAuditRows()).toEqual([]);
    const states = await getProbeStatus(env.DB);
    expect(new Set(states.map((s) => s.probe))).toEqual(new Set(["fly", "supabase", "vercel", "sentry", "doppler"]));
    expect(states.filter((s) => s.last_status !== "healthy")).toEqual([]);
  });

  it("wakes once for a crashed machine after KORA_WAKE_AFTER_CYCLES cycles, with a valid body and a matching audit row", async () => {
    const { env: koraEnv, queue } = probeEnv({ KORA_WAKE_AFTER_CYCLES: "3" });
    await world.fly.crash(CRASHED, { exit_code: 1 });

    await fireCycle(koraEnv, minute(0));
    await fireCycle(koraEnv, minute(1));
    expect(queue.messages).toEqual([]);
    expect((await getTargetStatus(env.DB, "fly", CRASHED))?.consecutive_unhealthy).toBe(2);

    await fireCycle(koraEnv, minute(2));
    expect(queue.batches).toHaveLength(1);
    const message = WakeMessage.parse(queue.messages[0]);
    expect(message).toMatchObject({
      v: 2,
      kind: "wake",
      targets: [{ target: CRASHED, fly_app: "kora-web", consecutive_unhealthy: 3 }],
      probe: "fly",
      target: CRASHED,
      status: "unhealthy",
      consecutive_unhealthy: 3,
      caller_session_id: `wake:${message.wake_id}`,
      envelope: { enabled: false, fix_name: "restart_unhealthy_machine" },
    });
    expect(message.detail).toMatchObject({ reason: "crashed", app: "kora-web", state: "stopped" });
    expect(JSON.stringify(message).length).toBeLessThan(2_000);

    const audits = await wakeAuditRows();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      caller_session_id: message.caller_session_id,
      source: "cron",
      details: { probe: "fly", target: CRASHED, consecutive_unhealthy: 3, wake_id: message.wake_id },
    });
    expect((audits[0]?.details.detail as { summary: string }).summary).toContain("crashed with exit code 1");
    expect((await getTargetStatus(env.DB, "fly", CRASHED))?.last_wake_id).toBe(message.wake_id);
  });

  it("does not wake again while the investigation is open, nor during the cool-down; a machine still down whose DM never went out is woken again in the same incident", async () => {
    const { env: koraEnv, queue } = probeEnv({ KORA_WAKE_COOLDOWN_MINUTES: "30" });
    await world.fly.crash(CRASHED);
    await fireCycle(koraEnv, minute(0));
    await fireCycle(koraEnv, minute(1));
    const first = WakeMessage.parse(queue.messages[0]);

    // No claim yet (the consumer has not picked it up), then a running claim: both are open.
    await fireCycle(koraEnv, minute(2));
    await claimInvestigation(first.wake_id, "running", minute(3));
    for (let n = 3; n < 10; n++) await fireCycle(koraEnv, minute(n));
    expect(queue.messages).toHaveLength(1);

    // Done at minute 10, but the cool-down runs to minute 31.
    await claimInvestigation(first.wake_id, "done", minute(10));
    await fireCycle(koraEnv, minute(10));
    await fireCycle(koraEnv, minute(30));
    expect(queue.messages).toHaveLength(1);
    expect(await wakeAuditRows()).toHaveLength(1);

    await fireCycle(koraEnv, minute(31));
    expect(queue.messages).toHaveLength(2);
    const second = WakeMessage.parse(queue.messages[1]);
    expect(second.wake_id).not.toBe(first.wake_id);
    expect(second).toMatchObject({ target: CRASHED, kind: "wake", caller_session_id: first.caller_session_id });
  });

  it("does not wake a machine that stays down again once its DM reached the operator: the incident stays theirs", async () => {
    const { env: koraEnv, queue } = probeEnv({ KORA_WAKE_COOLDOWN_MINUTES: "30" });
    await world.fly.crash(CRASHED);
    await fireCycle(koraEnv, minute(0));
    await fireCycle(koraEnv, minute(1));
    const first = WakeMessage.parse(queue.messages[0]);
    await claimInvestigation(first.wake_id, "done", minute(2));
    await env.DB.prepare("UPDATE incidents SET root_dm_channel = 'D0OPERATOR', root_dm_ts = '1.000001' WHERE id = ?1")
      .bind(first.caller_session_id)
      .run();

    for (const n of [2, 31, 45, 90]) await fireCycle(koraEnv, minute(n));
    expect(queue.messages).toHaveLength(1);
    const incident = await env.DB.prepare("SELECT status FROM incidents WHERE id = ?1")
      .bind(first.caller_session_id)
      .first<{ status: string }>();
    expect(incident?.status).toBe("open");
  });

  it("treats a wake nobody ever claimed as lost after an hour, so the target can wake again", async () => {
    const { env: koraEnv, queue } = probeEnv({ KORA_WAKE_COOLDOWN_MINUTES: "0" });
    await world.fly.crash(CRASHED);
    await fireCycle(koraEnv, minute(0));
    await fireCycle(koraEnv, minute(1));
    await fireCycle(koraEnv, minute(60));
    expect(queue.messages).toHaveLength(1);
    await fireCycle(koraEnv, minute(61));
    expect(queue.messages).toHaveLength(2);
  });

  it("never wakes for a machine stopped by autostop", async () => {
    const { env: koraEnv, queue } = probeEnv();
    await world.fly.autostop(CRASHED);
    for (let n = 0; n < 5; n++) await fireCycle(koraEnv, minute(n));

    expect(queue.messages).toEqual([]);
    const state = await getTargetStatus(env.DB, "fly", CRASHED);
    expect(state).toMatchObject({ last_status: "healthy", consecutive_unhealthy: 0 });
    expect(state?.last_detail).toMatchObject({ reason: "requested_stop", state: "stopped" });
  });

  it("wakes once for an OOM-killed machine and a started machine failing its checks in the same cycle: one wake naming both", async () => {
    const { env: koraEnv, queue } = probeEnv();
    await world.fly.crash(CRASHED, { oom: true });
    await world.fly.machines([
      {
        app: "kora-web-staging",
        id: "9080e6f3a12e87",
        checks: [
          {
            name: "servicecheck-00-http-8080",
            status: "critical",
            output: "connection refused",
            updated_at: "2026-11-20T09:59:00Z",
          },
        ],
      },
    ]);
    await fireCycle(koraEnv, minute(0));
    await fireCycle(koraEnv, minute(1));

    expect(queue.messages).toHaveLength(1);
    const wake = WakeMessage.parse(queue.messages[0]);
    expect(wake.targets.map((t) => [t.target, t.detail.reason, t.fly_app]).sort()).toEqual([
      [CRASHED, "oom_killed", "kora-web"],
      ["9080e6f3a12e87", "checks_failing", "kora-web-staging"],
    ]);
  });

  it("resets the count when a target recovers, so a later blip needs N cycles again", async () => {
    const { env: koraEnv, queue } = probeEnv({ KORA_WAKE_AFTER_CYCLES: "2" });
    await world.supabase.service("abcdefghijklmnopqrst", "rest", "UNHEALTHY");
    await fireCycle(koraEnv, minute(0));
    expect((await getTargetStatus(env.DB, "supabase", "abcdefghijklmnopqrst"))?.consecutive_unhealthy).toBe(1);

    await world.supabase.service("abcdefghijklmnopqrst", "rest", "ACTIVE_HEALTHY");
    await fireCycle(koraEnv, minute(1));
    expect((await getTargetStatus(env.DB, "supabase", "abcdefghijklmnopqrst"))?.consecutive_unhealthy).toBe(0);

    await world.supabase.service("abcdefghijklmnopqrst", "rest", "UNHEALTHY");
    await fireCycle(koraEnv, minute(2));
    expect(queue.messages).toEqual([]);
    await fireCycle(koraEnv, minute(3));
    expect(WakeMessage.parse(queue.messages[0])).toMatchObject({ probe: "supabase", consecutive_unhealthy: 2 });
  });

  it("sends ten machines that crash in the same minute as one wake, one incident and one audit row naming all ten", async () => {
    const { env: koraEnv, queue } = probeEnv();
    const ids = Array.from({ length: 10 }, (_, i) => `d${String(i).padStart(13, "0")}`);
    await world.fly.machines(ids.map((id) => ({ app: "kora-web", id })));
    for (const id of ids) await world.fly.crash(id, { exit_code: 137 });

    await fireCycle(koraEnv, minute(0));
    await fireCycle(koraEnv, minute(1));

    expect(queue.messages).toHaveLength(1);
    const wake = WakeMessage.parse(queue.messages[0]);
    expect(wake.kind).toBe("wake");
    expect(wake.targets.map((t) => t.target).sort()).toEqual(ids);
    const audits = await wakeAuditRows();
    expect(audits).toHaveLength(1);
    expect(audits[0]?.caller_session_id).toBe(wake.caller_session_id);
    expect((audits[0]?.details.targets as unknown[]).length).toBe(10);
    const targets = await env.DB.prepare("SELECT target FROM incident_targets WHERE incident_id = ?1 ORDER BY target")
      .bind(wake.caller_session_id)
      .all<{ target: string }>();
    expect(targets.results.map((row) => row.target)).toEqual(ids);
  });

  it("carries the envelope as enabled when the operator switched the Fly autofix on", async () => {
    const { env: koraEnv, queue } = probeEnv({ KORA_PROBE_AUTOFIX_FLY_ENABLED: " Yes " });
    await world.fly.crash(CRASHED);
    await fireCycle(koraEnv, minute(0));
    await fireCycle(koraEnv, minute(1));
    expect(WakeMessage.parse(queue.messages[0]).envelope).toEqual({
      enabled: true,
      fix_name: "restart_unhealthy_machine",
    });
  });
});

async function claimInvestigation(wakeId: string, status: "running" | "done", at: number): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO investigations (wake_id, caller_session_id, probe, target, status, claimed_at, claim_token, completed_at)
     VALUES (?1, ?2, 'fly', ?3, ?4, ?5, 'test-claim', ?6)
     ON CONFLICT (wake_id) DO UPDATE SET status = excluded.status, completed_at = excluded.completed_at`,
  )
    .bind(
      wakeId,
      `wake:${wakeId}`,
      CRASHED,
      status,
      new Date(at).toISOString(),
      status === "done" ? new Date(at).toISOString() : null,
    )
    .run();
}
