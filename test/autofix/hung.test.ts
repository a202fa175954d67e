import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import { world } from "../world";
import { incidentAwaitingApproval, postInteraction, press } from "../approvals/harness";
import {
  autofixContext,
  autofixRows,
  fakeMachine,
  fix,
  flyCalls,
  freshBudgets,
  machineId,
  mutatingFlyCalls,
  PROD,
  reasoningContext,
} from "./helpers";

// A "hung" machine is `started` but failing: its health checks are critical or its host does not
// answer. Fly restarts a machine only when its process exits, never for failing checks — this is
// the case Kora exists for.

let target: string;
beforeEach(async () => {
  await world.reset();
  await freshBudgets();
  target = machineId();
});

const restartPath = (id: string) => `POST /v1/apps/${PROD}/machines/${id}/restart`;

describe("a started machine whose checks are critical", () => {
  it("is restarted once and recovered only when a fresh read shows its checks passing", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "started", name: "web-hung" }]);
    await world.fly.hang(target, { after_restart: "passing", delay_ms: 400 });
    const ctx = reasoningContext(target);

    const result = await attemptProbeAutofix(fix(target, "checks critical for 3 cycles"), ctx);

    expect(result).toMatchObject({
      status: "attempted",
      outcome: "recovered",
      action_taken: "restart_machine",
      fly_app: PROD,
      before_state: { state: "started", name: "web-hung" },
      after_state: { state: "started" },
      checks_passing: true,
      lease_released: true,
    });
    expect((await mutatingFlyCalls()).map((r) => `${r.method} ${r.path}`)).toEqual([restartPath(target)]);
    // Checks read critical for a while after the restart: the fix kept reading until they passed.
    const reads = (await flyCalls()).filter((call) => call === `GET /v1/apps/${PROD}/machines/${target}`);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect((await fakeMachine(target))?.checks.map((c) => c.status)).toEqual(["passing"]);
    const [row] = await autofixRows(ctx.caller_session_id);
    expect(row?.details).toMatchObject({ status: "attempted", outcome: "recovered", action_taken: "restart_machine" });
  });

  it("whose checks stay critical after the restart is not_recovered, and is restarted only once", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "started" }]);
    await world.fly.hang(target, { after_restart: "critical" });

    const result = await attemptProbeAutofix(fix(target), reasoningContext(target));

    expect(result).toMatchObject({
      status: "attempted",
      outcome: "not_recovered",
      action_taken: "restart_machine",
      after_state: { state: "started" },
      checks_passing: false,
      lease_released: true,
    });
    expect(await mutatingFlyCalls()).toHaveLength(1);
  });

  it("an operator's approval can restart it (gate 2 skipped, every other gate run)", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "started" }]);
    await world.fly.hang(target);
    const incident = await incidentAwaitingApproval({ target });

    const response = await postInteraction(await press(incident.post, incident.approve), {
      KORA_PROBE_AUTOFIX_FLY_ENABLED: "false",
    });

    expect(response.status).toBe(200);
    const [row] = await autofixRows(incident.session);
    expect(row?.source).toBe("operator");
    expect(row?.details).toMatchObject({
      status: "attempted",
      action_taken: "restart_machine",
      approved_by: "U0OPERATOR",
      before_state: { state: "started" },
    });
    expect((await mutatingFlyCalls()).map((r) => `${r.method} ${r.path}`)).toEqual([restartPath(target)]);
  });
});

describe("a started machine whose host is unreachable", () => {
  it("is restarted, and recovered once the host answers again", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "started" }]);
    await world.fly.host(target, "unreachable", { recovers_on_restart: true });

    const result = await attemptProbeAutofix(fix(target), reasoningContext(target));

    expect(result).toMatchObject({ status: "attempted", action_taken: "restart_machine", outcome: "recovered" });
    expect((await fakeMachine(target))?.host_status).toBe("ok");
  });

  it("is not_recovered when the host stays unreachable after the restart", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "started" }]);
    await world.fly.host(target, "unreachable");

    const result = await attemptProbeAutofix(fix(target), reasoningContext(target));

    expect(result).toMatchObject({
      status: "attempted",
      action_taken: "restart_machine",
      outcome: "not_recovered",
      checks_passing: false,
    });
    expect(await mutatingFlyCalls()).toHaveLength(1);
  });
});

describe("a started machine whose checks pass", () => {
  it("is target_already_started: nothing sent, lease given back", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "started" }]);
    const ctx = autofixContext();

    const result = await attemptProbeAutofix(fix(target), ctx);

    expect(result).toMatchObject({
      status: "rejected",
      rejection_reason: "target_already_started",
      rejection_detail: { fly_app: PROD, state: "started", judged: "running" },
      before_state: { state: "started" },
    });
    expect(await mutatingFlyCalls()).toEqual([]);
    expect((await fakeMachine(target))?.lease).toBeUndefined();
    expect(await autofixRows(ctx.caller_session_id)).toHaveLength(1);
  });

  it("a warning check is not critical: still healthy, not restarted", async () => {
    await world.fly.machines([
      {
        app: PROD,
        id: target,
        state: "started",
        checks: [{ name: "alive", status: "warning", output: "slow", updated_at: new Date().toISOString() }],
      },
    ]);
    const result = await attemptProbeAutofix(fix(target), autofixContext());
    expect(result).toMatchObject({ status: "rejected", rejection_reason: "target_already_started" });
    expect(await mutatingFlyCalls()).toEqual([]);
  });
});
