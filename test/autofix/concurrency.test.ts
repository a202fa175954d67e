import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import { world } from "../world";
import { autofixContext, autofixRows, fix, freshBudgets, machineId, PROD } from "./helpers";

let target: string;
beforeEach(async () => {
  await world.reset();
  await freshBudgets();
  target = machineId();
  await world.fly.machines([{ app: PROD, id: target, state: "stopped" }]);
});

// An MCP `tools/call` can run twice (a client re-sends after a broken stream), and a redelivered
// wake can race its twin: the gates and the lease must make the second one harmless.
describe("the same fix requested twice at once", () => {
  it("sends exactly one mutating call; the other attempt is refused", async () => {
    const ctx = autofixContext();
    const [a, b] = await Promise.all([attemptProbeAutofix(fix(target), ctx), attemptProbeAutofix(fix(target), ctx)]);
    const mutating = await world.requests({ provider: "fly", mutating: true });
    expect(mutating.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v1/apps/${PROD}/machines/${target}/start`]);
    const statuses = [a, b].map((r) => r.status).sort();
    expect(statuses).toEqual(["attempted", "rejected"]);
    const refused = [a, b].find((r) => r.status === "rejected");
    expect(["target_busy", "target_already_started"]).toContain(refused?.rejection_reason);
    expect(await autofixRows(ctx.caller_session_id)).toHaveLength(2);
  });

  it("five at once still act once", async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => attemptProbeAutofix(fix(target), autofixContext())),
    );
    expect(results.filter((r) => r.status === "attempted")).toHaveLength(1);
    expect(await world.requests({ provider: "fly", mutating: true })).toHaveLength(1);
  });

  it("a repeat after the fix finished is refused as already started", async () => {
    const first = await attemptProbeAutofix(fix(target), autofixContext());
    const second = await attemptProbeAutofix(fix(target), autofixContext());
    expect(first.outcome).toBe("recovered");
    expect(second).toMatchObject({ status: "rejected", rejection_reason: "target_already_started" });
    expect(await world.requests({ provider: "fly", mutating: true })).toHaveLength(1);
  });
});
