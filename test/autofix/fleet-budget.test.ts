import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import { deliver, sessionRows, withVars } from "../wake/helpers";
import { world } from "../world";
import { autofixContext, fakeMachine, fix, freshBudgets, mutatingFlyCalls, PROD } from "./helpers";
import { fixTurn, scriptModel, wakeOf } from "./wakes";

// KORA_AUTOFIX_MAX_FLEET_RESTARTS bounds what a bug, or a model steered by injected text, can
// restart in an hour across every machine. The reasoning loop and MCP callers count; an
// operator's approval is a person deciding, and neither counts nor is refused.

beforeEach(async () => {
  await world.reset();
  await freshBudgets();
});

async function crashedFleet(count: number): Promise<string[]> {
  const prefix = `s${crypto.randomUUID().replace(/-/g, "").slice(0, 8)}`;
  const { ids } = await world.fly.fleet(PROD, count, { id_prefix: prefix, region: "ams" });
  for (const id of ids) await world.fly.crash(id, { exit_code: 139 });
  return ids;
}

describe("a storm of six crashed machines in one wake, fleet budget 4", () => {
  it("restarts exactly four; the other two are refused fleet_budget_exhausted and left alone", async () => {
    const machines = await crashedFleet(6);
    const wake = wakeOf(machines.map((target) => ({ target, fly_app: PROD })));
    await scriptModel(fixTurn(machines, "six machines on one host crashed together"));

    await deliver(wake, {
      env: withVars({ KORA_PROBE_AUTOFIX_FLY_ENABLED: "true", KORA_AUTOFIX_MAX_FLEET_RESTARTS: "4" }),
    });

    const starts = (await mutatingFlyCalls()).map((r) => r.path.split("/")[5]);
    expect(starts).toEqual(machines.slice(0, 4));
    const fixes = (await sessionRows(wake.caller_session_id)).filter((r) => r.seam === "tool.probe_autofix_attempted");
    expect(fixes.map((row) => row.details.outcome ?? row.details.rejection_reason)).toEqual([
      "recovered",
      "recovered",
      "recovered",
      "recovered",
      "fleet_budget_exhausted",
      "fleet_budget_exhausted",
    ]);
    expect(fixes[4]?.details.rejection_detail).toMatchObject({ scope: "fleet", max_per_hour: 4, used: 4 });
    for (const id of machines.slice(4)) expect((await fakeMachine(id))?.state).toBe("stopped");
  });
});

describe("who counts against the fleet budget", () => {
  const vars = { KORA_AUTOFIX_MAX_FLEET_RESTARTS: "2" };

  it("MCP callers count, across machines", async () => {
    const [a, b, c] = await crashedFleet(3);
    for (const id of [a, b]) {
      expect((await attemptProbeAutofix(fix(id ?? ""), autofixContext({ vars, source: "mcp" }))).outcome).toBe(
        "recovered",
      );
    }
    const third = await attemptProbeAutofix(fix(c ?? ""), autofixContext({ vars, source: "mcp" }));
    expect(third).toMatchObject({ status: "rejected", rejection_reason: "fleet_budget_exhausted" });
    expect(await mutatingFlyCalls()).toHaveLength(2);
  });

  it("an operator's approval is neither counted nor refused", async () => {
    const [a, b, c] = await crashedFleet(3);
    const approve = (id: string) =>
      attemptProbeAutofix(
        fix(id),
        autofixContext({
          vars: { ...vars, KORA_PROBE_AUTOFIX_FLY_ENABLED: "false" },
          source: "operator",
          approval: { approved_by: "U0OPERATOR", approval_id: `apr_${id}` },
        }),
      );
    for (const id of [a, b, c]) expect((await approve(id ?? "")).outcome).toBe("recovered");
    const [d] = await crashedFleet(1);
    const mcp = await attemptProbeAutofix(fix(d ?? ""), autofixContext({ vars, source: "mcp" }));
    expect(mcp).toMatchObject({ status: "attempted", outcome: "recovered" });
  });

  it("an operator's approval still goes through when the fleet budget is spent", async () => {
    const [a, b] = await crashedFleet(2);
    const spent = await attemptProbeAutofix(
      fix(a ?? ""),
      autofixContext({ vars: { KORA_AUTOFIX_MAX_FLEET_RESTARTS: "1" }, source: "mcp" }),
    );
    expect(spent.outcome).toBe("recovered");
    const approved = await attemptProbeAutofix(
      fix(b ?? ""),
      autofixContext({
        vars: { KORA_AUTOFIX_MAX_FLEET_RESTARTS: "1", KORA_PROBE_AUTOFIX_FLY_ENABLED: "false" },
        source: "operator",
        approval: { approved_by: "U0OPERATOR", approval_id: `apr_${b}` },
      }),
    );
    expect(approved).toMatchObject({ status: "attempted", outcome: "recovered" });
  });

  it("a refusal spends nothing: only actions sent count", async () => {
    const [a, b] = await crashedFleet(2);
    await world.fly.lease(a ?? "", "deploy@example.com");
    const busy = await attemptProbeAutofix(
      fix(a ?? ""),
      autofixContext({ vars: { KORA_AUTOFIX_MAX_FLEET_RESTARTS: "1" } }),
    );
    expect(busy.rejection_reason).toBe("target_busy");
    const next = await attemptProbeAutofix(
      fix(b ?? ""),
      autofixContext({ vars: { KORA_AUTOFIX_MAX_FLEET_RESTARTS: "1" } }),
    );
    expect(next).toMatchObject({ status: "attempted", outcome: "recovered" });
  });

  it("a fleet budget of 0 lets nothing autonomous through", async () => {
    const [a] = await crashedFleet(1);
    const result = await attemptProbeAutofix(
      fix(a ?? ""),
      autofixContext({ vars: { KORA_AUTOFIX_MAX_FLEET_RESTARTS: "0" } }),
    );
    expect(result).toMatchObject({ rejection_reason: "fleet_budget_exhausted" });
    expect(await world.requests({ provider: "fly" })).toEqual([]);
  });
});
