import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import { envelopeMode, wakeEnvelope } from "../../src/contracts";
import { seedAuditRow } from "../audit-seed.ts";
import { world } from "../world";
import {
  clearAutonomyTables,
  fixContext,
  flyWrites,
  machineId,
  machineState,
  PROD,
  restart,
  rowsOf,
  seedCrashedMachine,
  withFly,
} from "./helpers";

beforeEach(async () => {
  await world.reset();
  await clearAutonomyTables();
});

describe("the envelope variable is a mode", () => {
  it.each([
    ["shadow", "shadow"],
    [" Shadow ", "shadow"],
    ["SHADOW", "shadow"],
    ["true", "on"],
    ["ON", "on"],
    ["1", "on"],
    ["yes", "on"],
    ["false", "off"],
    ["off", "off"],
    ["", "off"],
    ["shadows", "off"],
    ["shadow mode", "off"],
    ["dry-run", "off"],
  ])("%j is %s", (value, mode) => {
    expect(envelopeMode("fly", { KORA_PROBE_AUTOFIX_FLY_ENABLED: value })).toBe(mode);
  });

  it("unset is off", () => {
    expect(envelopeMode("fly", {})).toBe("off");
  });

  it("tells the model it may decide in shadow mode, and that shadow mode holds the decision back", () => {
    expect(wakeEnvelope("fly", { KORA_PROBE_AUTOFIX_FLY_ENABLED: "shadow" })).toEqual({
      enabled: true,
      fix_name: "restart_unhealthy_machine",
      mode: "shadow",
    });
    // `off` and `on` keep the wake message's documented shape: no `mode`.
    expect(wakeEnvelope("fly", { KORA_PROBE_AUTOFIX_FLY_ENABLED: "off" })).toEqual({
      enabled: false,
      fix_name: "restart_unhealthy_machine",
    });
    expect(wakeEnvelope("fly", { KORA_PROBE_AUTOFIX_FLY_ENABLED: "on" })).toEqual({
      enabled: true,
      fix_name: "restart_unhealthy_machine",
    });
  });
});

describe("shadow mode", () => {
  it("runs every gate, answers shadowed with the call it would take, and sends Fly nothing, not even a lease", async () => {
    const machine = await seedCrashedMachine();
    const ctx = fixContext(withFly("shadow"));

    const result = await attemptProbeAutofix(restart(machine), ctx);

    expect(result).toMatchObject({
      status: "shadowed",
      would_take: "start_machine",
      action_canonical: "restart_unhealthy_machine",
      fly_app: PROD,
      before_state: { id: machine, state: "stopped" },
    });
    expect(result).not.toHaveProperty("action_taken");
    expect(await flyWrites()).toEqual([]);
    expect(await machineState(machine)).toBe("stopped");
    // Gate 5 really looked: the machine was read from Fly.
    const reads = await world.requests({ provider: "fly" });
    expect(reads.some((r) => r.method === "GET" && r.path.includes(machine))).toBe(true);

    const rows = await rowsOf("tool.probe_autofix_attempted", ctx.caller_session_id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details).toMatchObject({ status: "shadowed", would_take: "start_machine", target_id: machine });
    expect(rows[0]?.id).toBe(result.audit_id);
  });

  it("still refuses at gate 5: a machine that is already running is not a decision", async () => {
    const machine = machineId();
    await world.fly.machines([{ id: machine, app: PROD, state: "started" }]);

    const result = await attemptProbeAutofix(restart(machine), fixContext(withFly("shadow")));

    expect(result).toMatchObject({ status: "rejected", rejection_reason: "target_already_started" });
    expect(await flyWrites()).toEqual([]);
  });

  it("still refuses at gate 5: a machine Fly does not know is target_not_found", async () => {
    const result = await attemptProbeAutofix(restart(machineId()), fixContext(withFly("shadow")));
    expect(result).toMatchObject({ status: "rejected", rejection_reason: "target_not_found" });
  });

  it("still counts the restart budget: a machine that used it is refused, not shadowed", async () => {
    const machine = await seedCrashedMachine();
    for (let i = 0; i < 3; i++) {
      await seedAuditRow(env, {
        seam: "tool.probe_autofix_attempted",
        caller_session_id: `wake:${crypto.randomUUID()}`,
        source: "reasoning",
        details: { probe: "fly", target_id: machine, status: "attempted", action_taken: "start_machine" },
      });
    }
    const result = await attemptProbeAutofix(restart(machine), fixContext(withFly("shadow")));
    expect(result).toMatchObject({ status: "rejected", rejection_reason: "restart_budget_exhausted" });
  });

  it("refuses at gates 1, 3 and 4 as `on` would", async () => {
    const ctx = fixContext(withFly("shadow"));
    expect(await attemptProbeAutofix({ ...restart("m1"), probe: "k8s" }, ctx)).toMatchObject({
      rejection_reason: "unknown_probe",
    });
    expect(await attemptProbeAutofix({ ...restart("m1"), action: "destroy_machine" }, ctx)).toMatchObject({
      rejection_reason: "action_not_allowed",
    });
    expect(await attemptProbeAutofix(restart("../etc"), ctx)).toMatchObject({ rejection_reason: "invalid_target_id" });
    expect(await world.requests({ provider: "fly" })).toEqual([]);
  });

  it("spends no restart budget: decision after decision stays shadowed", async () => {
    const machine = await seedCrashedMachine();
    for (let i = 0; i < 5; i++) {
      const result = await attemptProbeAutofix(restart(machine), fixContext(withFly("shadow")));
      expect(result.status).toBe("shadowed");
    }
    expect(await flyWrites()).toEqual([]);
  });

  it("an operator's approval acts for real: the operator decides", async () => {
    const machine = await seedCrashedMachine();
    const result = await attemptProbeAutofix(
      restart(machine),
      fixContext(withFly("shadow"), {
        source: "operator",
        approval: { approved_by: "U0OPERATOR", approval_id: "apr_x" },
      }),
    );
    expect(result).toMatchObject({ status: "attempted", action_taken: "start_machine", outcome: "recovered" });
    expect(await machineState(machine)).toBe("started");
  });
});

describe("the variable is read at call time, in every mode", () => {
  const expected = {
    off: { status: "rejected", rejection_reason: "envelope_disabled" },
    shadow: { status: "shadowed", would_take: "start_machine" },
    on: { status: "attempted", action_taken: "start_machine", outcome: "recovered" },
  } as const;
  const value = { off: "false", shadow: "shadow", on: "true" } as const;

  it.each([
    ["off", "shadow"],
    ["shadow", "on"],
    ["on", "shadow"],
    ["shadow", "off"],
    ["off", "on"],
    ["on", "off"],
  ] as const)("%s, then %s: the second call follows the new value", async (first, second) => {
    const [a, b] = [await seedCrashedMachine(), await seedCrashedMachine()];

    expect(await attemptProbeAutofix(restart(a), fixContext(withFly(value[first])))).toMatchObject(expected[first]);
    expect(await attemptProbeAutofix(restart(b), fixContext(withFly(value[second])))).toMatchObject(expected[second]);

    // Only an `on` call ever reached Fly with a write.
    const started = (await flyWrites()).filter((call) => call.endsWith("/start")).map((call) => call.split("/")[5]);
    expect(started).toEqual([first === "on" ? a : null, second === "on" ? b : null].filter(Boolean));
  });
});
