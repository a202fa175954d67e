import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import { world } from "../world";
import {
  autofixRows,
  fakeMachine,
  fix,
  freshBudgets,
  machineId,
  mutatingFlyCalls,
  PROD,
  reasoningContext,
} from "./helpers";

// Gate 5 re-reads the machine and judges it by the probe's own rule: a machine stopped on purpose
// is not a target, even when the wake named it (the probe may have seen it crash a minute ago and
// someone has since stopped it, or an injected instruction named a parked machine).

let target: string;
beforeEach(async () => {
  await world.reset();
  await freshBudgets();
  target = machineId();
});

async function refusedAsNotUnhealthy(judged: string): Promise<void> {
  const ctx = reasoningContext(target);
  const result = await attemptProbeAutofix(fix(target), ctx);
  expect(result).toMatchObject({
    status: "rejected",
    rejection_reason: "target_not_unhealthy",
    rejection_detail: { fly_app: PROD, judged },
    fly_app: PROD,
  });
  expect(await mutatingFlyCalls()).toEqual([]);
  expect((await fakeMachine(target))?.lease).toBeUndefined();
  const [row] = await autofixRows(ctx.caller_session_id);
  expect(row?.details).toMatchObject({ status: "rejected", rejection_reason: "target_not_unhealthy" });
}

describe("a machine stopped on purpose is refused target_not_unhealthy, even when the wake names it", () => {
  it("stopped by autostop (a requested stop)", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "started" }]);
    await world.fly.autostop(target);
    await refusedAsNotUnhealthy("requested_stop");
    expect((await fakeMachine(target))?.state).toBe("stopped");
  });

  it("exited cleanly on its own (exit code 0)", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "started" }]);
    await world.fly.crash(target, { exit_code: 0 });
    await refusedAsNotUnhealthy("clean_exit");
  });

  it("a standby machine", async () => {
    await world.fly.machines([
      { app: PROD, id: target, state: "stopped", config: { image: "app:1", standbys: ["3d8d9e3c2e6189"] } },
    ]);
    await refusedAsNotUnhealthy("standby");
  });

  it("never started (created, e.g. a job machine)", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "created" }]);
    await refusedAsNotUnhealthy("never_started");
    expect((await fakeMachine(target))?.state).toBe("created");
  });

  it("suspended with no crash behind it", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "suspended" }]);
    await refusedAsNotUnhealthy("suspended");
  });
});

describe("a machine in state failed", () => {
  it("is refused: no envelope action fits it (Fly documents no start from failed)", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "failed" }]);
    const result = await attemptProbeAutofix(fix(target), reasoningContext(target));
    expect(result).toMatchObject({
      status: "rejected",
      rejection_reason: "action_not_allowed",
      rejection_detail: { why: "no_envelope_action_for_state", state: "failed", judged: "failed" },
      before_state: { state: "failed" },
    });
    expect(await mutatingFlyCalls()).toEqual([]);
  });
});

describe("what still is a target", () => {
  it.each([
    ["a crash (exit code 1)", { exit_code: 1 }],
    ["an OOM kill", { exit_code: 137, oom: true }],
  ])("%s: started again", async (_what, crash) => {
    await world.fly.machines([{ app: PROD, id: target, state: "started" }]);
    await world.fly.crash(target, crash);
    const result = await attemptProbeAutofix(fix(target), reasoningContext(target));
    expect(result).toMatchObject({ status: "attempted", action_taken: "start_machine", outcome: "recovered" });
  });
});
