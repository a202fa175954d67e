import { beforeEach, describe, expect, it } from "vitest";
import { buttonsOf } from "../fakes/slack-interactions.ts";
import { connectClient, envWithCallers, FIXER, MODERN, READER, toolReply } from "../mcp/mcp-harness";
import { deliver, wakeFor } from "../wake/helpers";
import { world } from "../world";
import {
  clearAutonomyTables,
  FLY_VAR,
  flyWrites,
  machineState,
  PROD,
  rowsOf,
  seedCrashedMachine,
  withFly,
} from "./helpers";

beforeEach(async () => {
  await world.reset();
  await clearAutonomyTables();
});

const SHADOW_ENVELOPE = { enabled: true, fix_name: "restart_unhealthy_machine", mode: "shadow" } as const;

describe("a crash with the Fly envelope in shadow mode", () => {
  it("is investigated and decided, but nothing is sent to Fly, and the DM says what Kora would have done", async () => {
    const machine = await seedCrashedMachine();
    const wake = wakeFor(machine, { envelope: SHADOW_ENVELOPE });

    await deliver(wake, { env: withFly("shadow") });

    expect(await flyWrites()).toEqual([]);
    expect(await machineState(machine)).toBe("stopped");
    const [decision] = await rowsOf("tool.probe_autofix_attempted", wake.caller_session_id);
    expect(decision?.source).toBe("reasoning");
    expect(decision?.details).toMatchObject({
      status: "shadowed",
      would_take: "start_machine",
      fly_app: PROD,
      target_id: machine,
    });
    const [completed] = await rowsOf("probe.investigation_completed", wake.caller_session_id);
    expect(completed?.details).toMatchObject({ autofix_attempted: false, dm_status: "sent" });

    const [dm] = await world.slack.posts();
    if (!dm) throw new Error("no DM was sent");
    const blocks = JSON.stringify(dm.blocks);
    expect(blocks).toContain("shadow mode held it back");
    expect(blocks).toContain("Kora would have run `start_machine`");
    expect(blocks).toContain("Kora would have run start_machine on");
    expect(dm.text).toContain("shadow mode held it back");
    // The operator can still act on it, with the same checks again.
    expect(blocks).toContain("Shadow mode held it back, so Kora changed nothing.");
    expect(buttonsOf(dm.blocks).map((button) => button.text)).toEqual(["Approve", "Dismiss"]);
  });

  it("tells the model shadow mode holds its decision back", async () => {
    const machine = await seedCrashedMachine();
    await deliver(wakeFor(machine, { envelope: SHADOW_ENVELOPE }), { env: withFly("shadow") });

    const requests = await world.requests({ provider: "anthropic" });
    const first = JSON.parse(requests[0]?.body ?? "{}") as { system?: unknown; messages?: { content: unknown }[] };
    expect(JSON.stringify(first.messages?.[0]?.content)).toContain('\\"mode\\": \\"shadow\\"');
    expect(JSON.stringify(first.system)).toContain("held back by shadow mode");
  });
});

describe("an MCP caller with the autofix cap, in shadow mode", () => {
  it("gets status shadowed with would_take, and Fly gets no write", async () => {
    const machine = await seedCrashedMachine();
    const workerEnv = await envWithCallers([FIXER], { [FLY_VAR]: "shadow" });
    const client = await connectClient(MODERN, workerEnv, FIXER.token);
    const reply = toolReply(
      await client
        .callTool({
          name: "kora__attempt_probe_autofix",
          arguments: { probe: "fly", action: "restart_machine", target_id: machine, reason: "it crashed" },
        })
        .finally(() => client.close()),
    );

    expect(reply.isError).toBe(false);
    expect(reply.body).toMatchObject({ status: "shadowed", would_take: "start_machine", target_id: machine });
    expect(await flyWrites()).toEqual([]);
    expect(await machineState(machine)).toBe("stopped");
    const [row] = await rowsOf("tool.probe_autofix_attempted", reply.session);
    expect(row).toMatchObject({ source: "mcp", details: expect.objectContaining({ status: "shadowed" }) });
  });

  it("sees the mode and the pause in kora__list_fix_envelopes", async () => {
    const client = await connectClient(MODERN, await envWithCallers([READER], { [FLY_VAR]: "shadow" }), READER.token);
    const reply = toolReply(
      await client.callTool({ name: "kora__list_fix_envelopes", arguments: {} }).finally(() => client.close()),
    );
    expect(reply.body).toMatchObject({ autonomy: { paused: false } });
    const fly = (reply.body.envelopes as { probe: string }[]).find((envelope) => envelope.probe === "fly");
    expect(fly).toMatchObject({ mode: "shadow", effective: "shadow", enabled: false, shadow: { decisions: 0 } });
  });
});
