import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import { isEnvelopeEnabled } from "../../src/contracts";
import { runAutofixGates } from "../../src/autofix/gates";
import { world } from "../world";
import { autofixContext, autofixRows, fix, freshBudgets, machineId, PROD } from "./helpers";

let target: string;
beforeEach(async () => {
  await world.reset();
  await freshBudgets();
  target = machineId();
  await world.fly.machines([{ app: PROD, id: target, state: "stopped" }]);
});

const RUNNING = { paused: false } as const;
const mutatingFlyCalls = () => world.requests({ provider: "fly", mutating: true });

describe("gates 1–4 refuse before any call to Fly", () => {
  it.each([
    ["unknown_probe", { probe: "kubernetes" }, { allowed_probes: ["fly", "supabase", "vercel", "sentry", "doppler"] }],
    ["envelope_disabled", { probe: "supabase" }, { enable_env: "KORA_PROBE_AUTOFIX_SUPABASE_ENABLED", fix_name: null }],
    [
      "action_not_allowed",
      { action: "destroy_machine" },
      { allowed_actions: ["restart_unhealthy_machine", "restart_machine"] },
    ],
    ["invalid_target_id", { target_id: "../etc" }, { pattern: "^[A-Za-z0-9_-]{1,64}$", length: 6 }],
  ])("%s", async (reason, override, detail) => {
    const ctx = autofixContext();
    const result = await attemptProbeAutofix({ ...fix(target), ...override }, ctx);
    expect(result).toMatchObject({ status: "rejected", rejection_reason: reason, rejection_detail: detail });
    expect(await mutatingFlyCalls()).toEqual([]);
    expect(await world.requests({ provider: "fly" })).toEqual([]);
    const rows = await autofixRows(ctx.caller_session_id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details).toMatchObject({ status: "rejected", rejection_reason: reason, rejection_detail: detail });
  });

  it("checks in order: a bad probe wins over a bad action and a bad target", async () => {
    const gates = (input: { probe: string; action: string; target_id: string }) =>
      runAutofixGates(input, { env: { KORA_PROBE_AUTOFIX_FLY_ENABLED: "false" }, pause: RUNNING });
    expect(gates({ probe: "x", action: "y", target_id: "a/b" })).toMatchObject({ rejection_reason: "unknown_probe" });
    expect(gates({ probe: "fly", action: "y", target_id: "a/b" })).toMatchObject({
      rejection_reason: "envelope_disabled",
    });
    const enabled = { KORA_PROBE_AUTOFIX_FLY_ENABLED: "on" };
    expect(
      runAutofixGates({ probe: "fly", action: "y", target_id: "a/b" }, { env: enabled, pause: RUNNING }),
    ).toMatchObject({
      rejection_reason: "action_not_allowed",
    });
    expect(
      runAutofixGates({ probe: "fly", action: "restart_machine", target_id: "a/b" }, { env: enabled, pause: RUNNING }),
    ).toMatchObject({
      rejection_reason: "invalid_target_id",
    });
  });

  it("an envelope switched on for a probe with no fix still allows no action", async () => {
    const ctx = autofixContext({ vars: { KORA_PROBE_AUTOFIX_VERCEL_ENABLED: "true" } });
    const result = await attemptProbeAutofix({ ...fix(target), probe: "vercel" }, ctx);
    expect(result).toMatchObject({ rejection_reason: "action_not_allowed", rejection_detail: { allowed_actions: [] } });
  });

  it("does not take inherited names for actions", async () => {
    for (const action of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const result = await attemptProbeAutofix({ ...fix(target), action }, autofixContext());
      expect(result.rejection_reason).toBe("action_not_allowed");
    }
    expect(await mutatingFlyCalls()).toEqual([]);
  });
});

describe("the envelope variable", () => {
  it("is read on every call: flipping it changes the next attempt", async () => {
    const off = await attemptProbeAutofix(
      fix(target),
      autofixContext({ vars: { KORA_PROBE_AUTOFIX_FLY_ENABLED: "false" } }),
    );
    expect(off).toMatchObject({
      status: "rejected",
      rejection_reason: "envelope_disabled",
      rejection_detail: { enable_env: "KORA_PROBE_AUTOFIX_FLY_ENABLED", fix_name: "restart_unhealthy_machine" },
    });
    expect(await mutatingFlyCalls()).toEqual([]);
    const on = await attemptProbeAutofix(
      fix(target),
      autofixContext({ vars: { KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" } }),
    );
    expect(on).toMatchObject({ status: "attempted", outcome: "recovered" });
    expect(await mutatingFlyCalls()).toHaveLength(1);
  });

  it.each([
    ["true", true],
    ["TRUE ", true],
    [" Yes", true],
    ["on", true],
    ["1", true],
    ["enabled", false],
    ["0", false],
    ["false", false],
    ["", false],
    ["tru", false],
    ["y", false],
  ])("%j counts as %s", (value, expected) => {
    expect(isEnvelopeEnabled("fly", { KORA_PROBE_AUTOFIX_FLY_ENABLED: value })).toBe(expected);
  });

  it("unset is off", () => {
    expect(isEnvelopeEnabled("fly", {})).toBe(false);
  });

  it.each(["enabled", "0"])("a garbage value %j refuses the fix with envelope_disabled", async (value) => {
    const result = await attemptProbeAutofix(
      fix(target),
      autofixContext({ vars: { KORA_PROBE_AUTOFIX_FLY_ENABLED: value } }),
    );
    expect(result.rejection_reason).toBe("envelope_disabled");
    expect(await mutatingFlyCalls()).toEqual([]);
  });
});

describe("target ids", () => {
  it.each([
    ["a traversal", "../x"],
    ["a slash", "a/b"],
    ["65 characters", "a".repeat(65)],
    ["empty", ""],
    ["unicode", "machïne"],
    ["a trailing newline", "abc\n"],
    ["a space", "ab c"],
  ])("rejects %s with invalid_target_id and no call", async (_what, targetId) => {
    const ctx = autofixContext();
    const result = await attemptProbeAutofix(fix(targetId), ctx);
    expect(result).toMatchObject({ status: "rejected", rejection_reason: "invalid_target_id", target_id: targetId });
    expect(await world.requests({ provider: "fly" })).toEqual([]);
    expect(await autofixRows(ctx.caller_session_id)).toHaveLength(1);
  });

  it("accepts exactly 64 characters", () => {
    const result = runAutofixGates(
      { probe: "fly", action: "restart_machine", target_id: "a".repeat(64) },
      { env: { KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" }, pause: RUNNING },
    );
    expect(result).toMatchObject({ ok: true, action_canonical: "restart_unhealthy_machine" });
  });
});

describe("an operator's approval", () => {
  it("stands in for the envelope and is recorded, with source operator", async () => {
    const ctx = autofixContext({
      vars: { KORA_PROBE_AUTOFIX_FLY_ENABLED: "false" },
      approval: { approved_by: "U123", approval_id: "apr-1" },
      source: "operator",
    });
    const result = await attemptProbeAutofix(fix(target), ctx);
    expect(result).toMatchObject({
      status: "attempted",
      outcome: "recovered",
      approved_by: "U123",
      approval_id: "apr-1",
    });
    const [row] = await autofixRows(ctx.caller_session_id);
    expect(row?.source).toBe("operator");
    expect(row?.details).toMatchObject({ approved_by: "U123", approval_id: "apr-1", status: "attempted" });
  });

  it("does not skip gates 1, 3 and 4", async () => {
    const approval = { approved_by: "U123", approval_id: "apr-2" };
    const ctx = () =>
      autofixContext({ vars: { KORA_PROBE_AUTOFIX_FLY_ENABLED: "false" }, approval, source: "operator" });
    expect((await attemptProbeAutofix({ ...fix(target), probe: "k8s" }, ctx())).rejection_reason).toBe("unknown_probe");
    expect((await attemptProbeAutofix({ ...fix(target), action: "delete" }, ctx())).rejection_reason).toBe(
      "action_not_allowed",
    );
    expect((await attemptProbeAutofix(fix("a/b"), ctx())).rejection_reason).toBe("invalid_target_id");
    expect(await mutatingFlyCalls()).toEqual([]);
  });
});
