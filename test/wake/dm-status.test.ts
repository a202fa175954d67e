import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { world } from "../world";
import { completedRow, deliver, dmLog, seedCrashedMachine, wakeFor, withVars } from "./helpers";
import { seedAuditRow } from "../audit-seed.ts";

const overloaded = {
  provider: "anthropic",
  kind: "status" as const,
  status: 529,
  times: 10,
  body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" }, request_id: "req_fake" },
};

async function investigate(vars: Record<string, string> = {}) {
  const wake = wakeFor(await seedCrashedMachine());
  await deliver(wake, { env: withVars(vars) });
  const completed = await completedRow(wake.caller_session_id);
  const [logged] = await dmLog(wake.caller_session_id);
  return { wake, details: completed?.details ?? {}, logged };
}

beforeEach(async () => {
  await world.reset();
});

describe("dm_status, each from its real cause", () => {
  it("sent: the model investigated and Slack took the DM", async () => {
    const { details, logged } = await investigate();
    expect(details.dm_status).toBe("sent");
    expect(logged?.dm_status).toBe("sent");
  });

  it("failed_send: Slack answers ok:false (channel_not_found)", async () => {
    await world.slack.fail("channel_not_found");
    const { details, logged } = await investigate();
    expect(details).toMatchObject({ dm_status: "failed_send", dm_error: "channel_not_found", turns: 3 });
    expect(logged).toMatchObject({ dm_status: "failed_send", error: "channel_not_found", slack_ts: null });
    expect(await world.slack.posts()).toEqual([]);
  });

  it("failed_send: Slack rate-limits with a Retry-After longer than the consumer waits", async () => {
    await world.slack.ratelimit(30);
    const { details } = await investigate();
    expect(details).toMatchObject({ dm_status: "failed_send", dm_error: "ratelimited" });
  });

  it("sent: a short Retry-After is waited out and the DM goes through", async () => {
    await world.slack.ratelimit(1);
    const { details } = await investigate();
    expect(details.dm_status).toBe("sent");
    expect(await world.slack.posts()).toHaveLength(1);
    expect((await world.requests({ provider: "slack" })).length).toBe(2);
  });

  it("engine_unavailable_fallback: Anthropic answers 529 on every try", async () => {
    await world.fault(overloaded);
    const { details, logged } = await investigate();
    expect(details).toMatchObject({
      dm_status: "engine_unavailable_fallback",
      engine: "unavailable:model_api_overloaded",
      turns: 0,
      cost_usd: 0,
    });
    expect(logged?.kind).toBe("engine_fallback");
    expect((await world.requests({ provider: "anthropic" })).length).toBe(3);
    const [post] = await world.slack.posts();
    expect(JSON.stringify(post?.blocks)).toContain("reasoning engine was unavailable");
    expect(JSON.stringify(post?.blocks)).toContain("Look at fly target");
  });

  it("engine_unavailable_fallback: no ANTHROPIC_API_KEY, and no call to the model", async () => {
    const { details } = await investigate({ ANTHROPIC_API_KEY: "" });
    expect(details).toMatchObject({ dm_status: "engine_unavailable_fallback", engine: "unavailable:no_api_key" });
    expect(await world.requests({ provider: "anthropic" })).toEqual([]);
  });

  it("engine_unavailable_failed_send: engine unavailable and Slack refuses the fallback too", async () => {
    await world.slack.fail("invalid_auth");
    const { details, logged } = await investigate({ ANTHROPIC_API_KEY: "" });
    expect(details.dm_status).toBe("engine_unavailable_failed_send");
    expect(logged).toMatchObject({ dm_status: "engine_unavailable_failed_send", error: "invalid_auth" });
  });

  it("a 529 after a fix attempt still reports that fix in the fallback DM", async () => {
    const machine = await seedCrashedMachine();
    const error529 = { error: { status: 529, type: "overloaded_error", message: "Overloaded" } };
    await world.anthropic.script([
      {
        content: [
          {
            type: "tool_use",
            name: "kora__attempt_probe_autofix",
            input: { probe: "fly", action: "restart_machine", target_id: machine, reason: "crashed with exit code 1" },
          },
        ],
      },
      error529,
      error529,
      error529,
    ]);
    const wake = wakeFor(machine);
    await deliver(wake, { env: withVars({ KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" }) });
    const details = (await completedRow(wake.caller_session_id))?.details;
    expect(details).toMatchObject({ dm_status: "engine_unavailable_fallback", autofix_attempted: true, turns: 1 });
    const [post] = await world.slack.posts();
    expect(post?.text).toContain("outcome recovered");
  });
});

describe("the cost ladder, through the consumer", () => {
  async function spend(usd: number) {
    await seedAuditRow(env, {
      seam: "probe.investigation_completed",
      caller_session_id: `wake:${crypto.randomUUID()}`,
      source: "system",
      details: { cost_usd: usd },
    });
  }
  const modelsAsked = async () =>
    (await world.requests({ provider: "anthropic" })).map((r) => (JSON.parse(r.body) as { model: string }).model);

  it("uses the economy model from 80% of the day's budget and stops the engine at 100%", async () => {
    const vars = { KORA_DAILY_BUDGET_USD: "10" };
    await investigate(vars);
    expect(new Set(await modelsAsked())).toEqual(new Set(["claude-sonnet-5-5"]));

    await world.reset();
    await spend(8);
    await investigate(vars);
    expect(new Set(await modelsAsked())).toEqual(new Set(["claude-haiku-4-5"]));

    await world.reset();
    await spend(2);
    const { details } = await investigate(vars);
    expect(await modelsAsked()).toEqual([]);
    expect(details).toMatchObject({ dm_status: "engine_unavailable_fallback", engine: "unavailable:budget_spent" });
  });
});
