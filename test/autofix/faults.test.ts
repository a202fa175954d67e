import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import type { Fault } from "../fakes/faults";
import { world } from "../world";
import { autofixContext, autofixRows, fix, freshBudgets, machineId, PROD } from "./helpers";

let target: string;
beforeEach(async () => {
  await world.reset();
  await freshBudgets();
  target = machineId();
  await world.fly.machines([{ app: PROD, id: target, state: "stopped" }]);
});

const leaseOf = async (id: string) =>
  (await world.fly.state()).flatMap((a) => a.machines).find((m) => m.id === id)?.lease;

type FaultKind = "503" | "429" | "hang";
const faultFor = (kind: FaultKind, method: string, path: string): Fault =>
  kind === "hang"
    ? { provider: "fly", method, path, kind: "hang" }
    : kind === "429"
      ? {
          provider: "fly",
          method,
          path,
          kind: "status",
          status: 429,
          headers: { "retry-after": "3" },
          body: { error: "rate limited" },
        }
      : { provider: "fly", method, path, kind: "status", status: 503, body: { error: "flaps: upstream unavailable" } };

const errorKind = { "503": "unavailable", "429": "rate_limited", hang: "timeout" } as const;

describe.each<FaultKind>(["503", "429", "hang"])("Fly answering %s", (kind) => {
  it("on taking the lease (which also finds the app): failed, nothing sent, no lease left, one row", async () => {
    await world.fault(faultFor(kind, "POST", "/lease$"));
    const ctx = autofixContext();
    const result = await attemptProbeAutofix(fix(target), ctx);
    expect(result).toMatchObject({ status: "failed", fly_app: PROD, error: { kind: errorKind[kind] } });
    if (kind === "429") expect(result.error).toMatchObject({ retry_after_seconds: 3 });
    expect(await world.requests({ provider: "fly", mutating: true })).toEqual([]);
    expect(await leaseOf(target)).toBeUndefined();
    expect(await autofixRows(ctx.caller_session_id)).toHaveLength(1);
  });

  it("on the read under the lease: failed, nothing sent, lease released", async () => {
    await world.fault(faultFor(kind, "GET", `/machines/${target}$`));
    const ctx = autofixContext();
    const result = await attemptProbeAutofix(fix(target), ctx);
    expect(result).toMatchObject({
      status: "failed",
      fly_app: PROD,
      error: { kind: errorKind[kind] },
      lease_released: true,
    });
    expect(await world.requests({ provider: "fly", mutating: true })).toEqual([]);
    expect(await leaseOf(target)).toBeUndefined();
    expect(await autofixRows(ctx.caller_session_id)).toHaveLength(1);
  });

  it("on the start: failed with the error, the action recorded as sent, lease released", async () => {
    await world.fault(faultFor(kind, "POST", "/start$"));
    const ctx = autofixContext();
    const result = await attemptProbeAutofix(fix(target), ctx);
    expect(result).toMatchObject({
      status: "failed",
      action_taken: "start_machine",
      before_state: { state: "stopped" },
      error: { kind: errorKind[kind] },
      lease_released: true,
    });
    expect(await leaseOf(target)).toBeUndefined();
    const [row] = await autofixRows(ctx.caller_session_id);
    expect(row?.details).toMatchObject({ status: "failed", error: { kind: errorKind[kind] } });
  });

  it("on the wait: the re-read still gives the verdict", async () => {
    await world.fault(faultFor(kind, "GET", "/wait$"));
    const result = await attemptProbeAutofix(fix(target), autofixContext());
    expect(result).toMatchObject({ status: "attempted", outcome: "recovered", lease_released: true });
  });

  it("on releasing the lease: the fix stands and the row says the lease was not released", async () => {
    await world.fault(faultFor(kind, "DELETE", "/lease$"));
    const ctx = autofixContext();
    const result = await attemptProbeAutofix(fix(target), ctx);
    expect(result).toMatchObject({ status: "attempted", outcome: "recovered", lease_released: false });
    expect(await autofixRows(ctx.caller_session_id)).toHaveLength(1);
  });
});

describe("Fly unreadable after the action", () => {
  it("every re-read failing: attempted + unknown, with the last error", async () => {
    await world.fault({ provider: "fly", method: "GET", path: "/wait$", kind: "status", status: 503, times: 100 });
    await world.fly.faultAfter({
      method: "GET",
      path: `/machines/${target}$`,
      kind: "status",
      status: 503,
      skip: 1,
      times: 100,
    });
    const result = await attemptProbeAutofix(fix(target), autofixContext());
    expect(result).toMatchObject({ status: "attempted", outcome: "unknown", error: { kind: "unavailable" } });
  });
});
