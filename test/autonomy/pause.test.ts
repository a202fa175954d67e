import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import { buttonsOf } from "../fakes/slack-interactions.ts";
import { postInteraction, press } from "../approvals/harness";
import { deliver, wakeFor } from "../wake/helpers";
import { world } from "../world";
import {
  clearAutonomyTables,
  consoleForm,
  consoleLogin,
  ephemeralText,
  fixContext,
  flyEnvelope,
  flyWrites,
  machineState,
  OPERATOR,
  operatorApi,
  restart,
  rowsOf,
  seedCrashedMachine,
  send,
  slashCommand,
  withFly,
} from "./helpers";

beforeEach(async () => {
  await world.reset();
  await clearAutonomyTables();
});

/** The next fix with the Fly envelope `on`, as the reasoning loop would ask for it. */
async function nextFix(mode = "true") {
  const machine = await seedCrashedMachine();
  const result = await attemptProbeAutofix(restart(machine), fixContext(withFly(mode)));
  return { machine, result };
}

const channels = {
  "the operator API": {
    pause: () => send(operatorApi("POST", "/api/autonomy/pause", { reason: "deploy freeze", by: "alice" })),
    resume: () => send(operatorApi("POST", "/api/autonomy/resume")),
    by: "alice",
  },
  "the console button": {
    pause: async () => send(consoleForm("/autonomy/pause", await consoleLogin(), { reason: "deploy freeze" })),
    resume: async () => send(consoleForm("/autonomy/resume", await consoleLogin())),
    by: "operator (console)",
  },
  "the /kora slash command": {
    pause: async () => send(await slashCommand({ text: "pause deploy freeze" })),
    resume: async () => send(await slashCommand({ text: "resume" })),
    by: OPERATOR,
  },
} as const;

describe.each(Object.entries(channels))("pausing through %s", (_channel, channel) => {
  it("refuses the next fix with autonomy_paused and no write to Fly; resuming lets the one after act", async () => {
    const paused = await channel.pause();
    expect([200, 303]).toContain(paused.status);

    const refused = await nextFix();
    expect(refused.result).toMatchObject({
      status: "rejected",
      rejection_reason: "autonomy_paused",
      rejection_detail: { paused_by: channel.by },
    });
    expect(await flyWrites()).toEqual([]);
    expect(await machineState(refused.machine)).toBe("stopped");

    const resumed = await channel.resume();
    expect([200, 303]).toContain(resumed.status);

    const acted = await nextFix();
    expect(acted.result).toMatchObject({ status: "attempted", action_taken: "start_machine", outcome: "recovered" });
    expect(await machineState(acted.machine)).toBe("started");

    // One row per change, who and why included.
    const [pausedRow] = await rowsOf("operator.autonomy_paused");
    expect(pausedRow?.details).toMatchObject({ paused_by: channel.by, reason: "deploy freeze" });
    expect(await rowsOf("operator.autonomy_resumed")).toHaveLength(1);
  });
});

describe("the switch", () => {
  it("is idempotent: pausing twice changes it once and writes one row", async () => {
    const first = await send(operatorApi("POST", "/api/autonomy/pause"));
    const second = await send(operatorApi("POST", "/api/autonomy/pause", { reason: "again" }));

    expect(await first.json()).toMatchObject({
      changed: true,
      autonomy: { paused: true, paused_by: "operator (API)" },
    });
    expect(await second.json()).toMatchObject({ changed: false, autonomy: { paused: true, reason: null } });
    expect(await rowsOf("operator.autonomy_paused")).toHaveLength(1);
  });

  it("resuming a Kora that was never paused changes nothing and writes nothing", async () => {
    const response = await send(operatorApi("POST", "/api/autonomy/resume"));
    expect(await response.json()).toMatchObject({ changed: false, autonomy: { paused: false, last_change: null } });
    expect(await rowsOf("operator.autonomy_resumed")).toEqual([]);
  });

  it("only lowers what the variables allow: an envelope that is off stays refused as off", async () => {
    await send(operatorApi("POST", "/api/autonomy/pause"));
    const { result } = await nextFix("false");
    expect(result.rejection_reason).toBe("envelope_disabled");
    await send(operatorApi("POST", "/api/autonomy/resume"));
    expect((await nextFix("false")).result.rejection_reason).toBe("envelope_disabled");
  });

  it("closes shadow mode too: a paused shadow envelope records no decision", async () => {
    await send(operatorApi("POST", "/api/autonomy/pause"));
    const { result } = await nextFix("shadow");
    expect(result).toMatchObject({ status: "rejected", rejection_reason: "autonomy_paused" });
    expect(await flyWrites()).toEqual([]);
  });

  it("shows on /api/envelopes: the mode stays what the variable says, what gate 2 does becomes paused", async () => {
    await send(operatorApi("POST", "/api/autonomy/pause", { reason: "incident review" }));
    const fly = await flyEnvelope(withFly("true"));
    expect(fly).toMatchObject({
      mode: "on",
      effective: "paused",
      autonomy: { paused: true, paused_by: "operator (API)", reason: "incident review" },
    });
    await send(operatorApi("POST", "/api/autonomy/resume"));
    expect(await flyEnvelope(withFly("true"))).toMatchObject({ effective: "on", autonomy: { paused: false } });
  });

  it("answers a body that is not JSON with a 400 naming the problem, and changes nothing", async () => {
    const bad = await send(operatorApi("POST", "/api/autonomy/pause", "{reason: freeze"));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_json" } });
    const unknownField = await send(operatorApi("POST", "/api/autonomy/pause", { reason: "x", paused: false }));
    expect(unknownField.status).toBe(400);
    const tooLong = await send(operatorApi("POST", "/api/autonomy/pause", { reason: "x".repeat(301) }));
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()) as unknown).toMatchObject({ error: { message: expect.stringContaining("reason") } });
    expect((await flyEnvelope()).autonomy.paused).toBe(false);
  });

  it("says so in /kora status", async () => {
    await send(await slashCommand({ text: "pause db migration" }));
    const text = await ephemeralText(await send(await slashCommand({ text: "status" }), withFly("shadow")));
    expect(text).toContain(`paused by <@${OPERATOR}>`);
    expect(text).toContain("db migration");
    expect(text).toContain("`fly`: shadow (paused)");
  });
});

describe("while autonomy is paused, an incident", () => {
  it("gets a DM that says the fix was held by the pause, with the pause in its footer and an Approve button that still works", async () => {
    await send(await slashCommand({ text: "pause" }));
    const machine = await seedCrashedMachine();
    const wake = wakeFor(machine, { envelope: { enabled: true, fix_name: "restart_unhealthy_machine", mode: "on" } });

    await deliver(wake, { env: withFly("true") });

    expect(await flyWrites()).toEqual([]);
    const fix = await rowsOf("tool.probe_autofix_attempted", wake.caller_session_id);
    expect(fix[0]?.details).toMatchObject({ status: "rejected", rejection_reason: "autonomy_paused" });
    const [dm] = await world.slack.posts();
    if (!dm) throw new Error("no DM was sent");
    const blocks = JSON.stringify(dm.blocks);
    expect(blocks).toContain("autonomy_paused");
    expect(blocks).toContain("Autonomy is paused");
    expect(blocks).toContain(`autonomy paused by \`${OPERATOR}\``);

    const [approve] = buttonsOf(dm.blocks);
    if (!approve) throw new Error("no Approve button");
    const click = await postInteraction(await press(dm, approve), withFly("true"));
    expect(click.status).toBe(200);
    expect(await machineState(machine)).toBe("started");
    expect((await flyEnvelope()).autonomy.paused).toBe(true);
  });

  it("gets no pause footer once resumed", async () => {
    await send(await slashCommand({ text: "pause" }));
    await send(await slashCommand({ text: "resume" }));
    const machine = await seedCrashedMachine();

    await deliver(wakeFor(machine), { env: env });

    const [dm] = await world.slack.posts();
    expect(JSON.stringify(dm?.blocks)).not.toContain("autonomy paused");
  });
});
