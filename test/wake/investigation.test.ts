import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { seedAuditRow } from "../audit-seed.ts";
import { world } from "../world";
import {
  anthropicStats,
  completedRow,
  deliver,
  dmLog,
  machineState,
  recordWakeRequested,
  seedCrashedMachine,
  sessionRows,
  wakeFor,
  withVars,
} from "./helpers";

beforeEach(async () => {
  await world.reset();
});

describe("a crashed Fly machine wakes Kora", () => {
  it("with the Fly envelope on, restarts the machine and DMs the outcome, all under one caller_session_id", async () => {
    const machine = await seedCrashedMachine();
    const wake = wakeFor(machine, { envelope: { enabled: true, fix_name: "restart_unhealthy_machine" } });
    await recordWakeRequested(wake);

    const { id, result } = await deliver(wake, { env: withVars({ KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" }) });

    expect(result.explicitAcks).toEqual([id]);
    expect(await machineState(machine)).toBe("started");
    const starts = (await world.requests({ provider: "fly", mutating: true })).filter((r) => r.path.endsWith("/start"));
    expect(starts).toHaveLength(1);

    const posts = await world.slack.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.channel).toBe("D0OPERATOR");
    expect(posts[0]?.text).toContain("outcome recovered");
    expect(JSON.stringify(posts[0]?.blocks)).toContain("Fix budget left for");

    const rows = await sessionRows(wake.caller_session_id);
    expect(rows.map((row) => row.seam)).toEqual([
      "probe.wake_requested",
      "tool.probe_autofix_attempted",
      "probe.investigation_completed",
    ]);
    expect(rows[1]?.details).toMatchObject({ status: "attempted", outcome: "recovered", target_id: machine });
    expect(rows[1]?.source).toBe("reasoning");

    const completed = await completedRow(wake.caller_session_id);
    expect(completed?.details).toMatchObject({
      model: "claude-sonnet-5-5",
      dm_status: "sent",
      autofix_attempted: true,
      turns: 3,
    });
    for (const field of [
      "input_tokens",
      "output_tokens",
      "cache_read_input_tokens",
      "cache_creation_input_tokens",
      "cost_usd",
      "duration_ms",
    ]) {
      expect(typeof completed?.details[field]).toBe("number");
    }
    expect(completed?.details.summary).toContain("recovered");

    const log = await dmLog(wake.caller_session_id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ dm_status: "sent", kind: "investigation", slack_ts: posts[0]?.ts });

    // The model thought on every turn, its thinking went back intact, and nothing was refused.
    const model = await anthropicStats();
    expect(model).toMatchObject({ requests: 3, bad_requests: 0 });
    expect(model.thinking_tokens).toBeGreaterThan(0);
    expect(completed?.details.output_tokens).toBe(model.output_tokens);
  });

  it("with the envelope off, the fix is rejected at gate 2, Fly is not touched, and the DM says what is left", async () => {
    const machine = await seedCrashedMachine();
    const wake = wakeFor(machine);

    await deliver(wake);

    expect(await world.requests({ provider: "fly", mutating: true })).toEqual([]);
    expect(await machineState(machine)).toBe("stopped");
    const fix = (await sessionRows(wake.caller_session_id)).find((r) => r.seam === "tool.probe_autofix_attempted");
    expect(fix?.details).toMatchObject({ status: "rejected", rejection_reason: "envelope_disabled" });

    const [post] = await world.slack.posts();
    const blocks = JSON.stringify(post?.blocks);
    expect(blocks).toContain("rejected by gate 2");
    expect(blocks).toContain("Decide whether to restart");
    expect(blocks).toContain("KORA_PROBE_AUTOFIX_FLY_ENABLED");
    expect((await completedRow(wake.caller_session_id))?.details).toMatchObject({
      dm_status: "sent",
      autofix_attempted: false,
    });
  });
});

// Last in the file: the spend it records stays for the rest of the file.
describe("on the economy model", () => {
  it("from 80% of the day's budget the economy model fixes the same incident, without thinking", async () => {
    await seedAuditRow(env, {
      seam: "probe.investigation_completed",
      caller_session_id: `wake:${crypto.randomUUID()}`,
      source: "system",
      details: { cost_usd: 4.5 },
    });
    const machine = await seedCrashedMachine();
    const wake = wakeFor(machine);

    await deliver(wake, { env: withVars({ KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" }) });

    expect(await machineState(machine)).toBe("started");
    expect((await world.slack.posts())[0]?.text).toContain("outcome recovered");
    expect((await completedRow(wake.caller_session_id))?.details).toMatchObject({
      model: "claude-haiku-4-5",
      engine: "economy",
      dm_status: "sent",
      loop_end: "end_turn",
      turns: 3,
    });
    expect(await anthropicStats()).toMatchObject({ requests: 3, bad_requests: 0, thinking_tokens: 0 });
  });
});
