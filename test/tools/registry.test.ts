import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { listAuditEvents } from "../../src/audit/queries";
import { parseConfig } from "../../src/config";
import { getTool, MUTATING_TOOLS, REASONING_TOOL_ALLOWLIST, TOOLS } from "../../src/tools/registry";
import { world } from "../world";
import type { ToolContext } from "../../src/contracts";

const ctx = (vars: Record<string, string> = {}): ToolContext => {
  const e = { ...env, ...vars };
  return {
    env: e,
    config: parseConfig(e),
    caller_session_id: `wake:${crypto.randomUUID()}`,
    source: "reasoning",
    now: () => new Date(),
  };
};

beforeEach(async () => {
  await world.reset();
});

describe("the tool registry", () => {
  it("pins the allowlist and the mutation boundary (DESIGN §5)", () => {
    expect(REASONING_TOOL_ALLOWLIST).toEqual([
      "kora__get_probe_status",
      "kora__list_fly_machines",
      "kora__get_fly_machine",
      "kora__query_audit",
      "kora__list_fix_envelopes",
      "kora__send_email_to_operator",
      "kora__attempt_probe_autofix",
    ]);
    expect(MUTATING_TOOLS).toEqual(["kora__send_email_to_operator", "kora__attempt_probe_autofix"]);
  });

  it("defines every allowed tool once, with its mutating flag matching the boundary", () => {
    expect(TOOLS.map((tool) => tool.name).sort()).toEqual([...REASONING_TOOL_ALLOWLIST].sort());
    for (const tool of TOOLS) {
      expect(tool.mutating, tool.name).toBe(MUTATING_TOOLS.includes(tool.name as never));
      expect(tool.requiresCapGate, tool.name).toBe(tool.mutating);
      expect(tool.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    }
  });

  it("describes every input field, which is all the model and MCP clients read", () => {
    for (const tool of TOOLS) {
      const schema = z.toJSONSchema(tool.input, { io: "input" }) as {
        properties?: Record<string, { description?: string }>;
      };
      for (const [field, spec] of Object.entries(schema.properties ?? {})) {
        expect(spec.description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
  });

  it("types the autofix tool's probe, action and target_id as plain strings, so the gates refuse bad values", () => {
    const parsed = getTool("kora__attempt_probe_autofix")?.input.safeParse({
      probe: "nope",
      action: "rm -rf",
      target_id: "a/b",
      reason: "test",
    });
    expect(parsed?.success).toBe(true);
  });
});

describe("kora__send_email_to_operator", () => {
  const tool = getTool("kora__send_email_to_operator");

  it("emails the operator through the EMAIL binding and writes tool.email_to_operator_sent", async () => {
    const context = ctx();
    const result = await tool?.run({ subject: "fly machine down", body: "It crashed; restart refused." }, context);
    expect(result?.isError).toBeUndefined();
    expect(result?.content).toMatchObject({ status: "sent", to: "operator@example.com" });
    const { rows } = await listAuditEvents(env.DB, { caller_session_id: context.caller_session_id, limit: 5 });
    expect(rows.map((row) => row.seam)).toEqual(["tool.email_to_operator_sent"]);
    expect(rows[0]?.details).toMatchObject({ status: "sent", to: "operator@example.com", subject: "fly machine down" });
    expect(rows[0]?.source).toBe("reasoning");
  });

  it("sends the same email once per incident, however often the loop asks", async () => {
    const context = ctx();
    const input = { subject: "same", body: "same body" };
    await tool?.run(input, context);
    const again = await tool?.run(input, context);
    expect(again?.content).toMatchObject({ status: "already_sent" });
    const { rows } = await listAuditEvents(env.DB, { caller_session_id: context.caller_session_id, limit: 5 });
    expect(rows).toHaveLength(1);
  });

  it("refuses with a named variable when email is not configured", async () => {
    const result = await tool?.run({ subject: "s", body: "b" }, ctx({ KORA_OPERATOR_EMAIL: "" }));
    expect(result?.isError).toBe(true);
    expect(JSON.stringify(result?.content)).toContain("KORA_OPERATOR_EMAIL");
  });
});

describe("read tools", () => {
  it("kora__get_fly_machine shows a crashed machine's exit event", async () => {
    await world.fly.machines([{ id: "mreadtool00001", app: "kora-web", state: "started" }]);
    await world.fly.crash("mreadtool00001", { exit_code: 137, oom: true });
    const result = await getTool("kora__get_fly_machine")?.run({ machine_id: "mreadtool00001" }, ctx());
    expect(result?.content).toMatchObject({ app: "kora-web", machine: { id: "mreadtool00001", state: "stopped" } });
    expect(JSON.stringify(result?.content)).toContain('"oom_killed":true');
  });

  it("kora__list_fix_envelopes reads the enable variable at call time", async () => {
    const tool = getTool("kora__list_fix_envelopes");
    const off = await tool?.run({}, ctx());
    const on = await tool?.run({}, ctx({ KORA_PROBE_AUTOFIX_FLY_ENABLED: " YES " }));
    const fly = (content: unknown) =>
      (content as { envelopes: { probe: string; enabled: boolean }[] }).envelopes.find((e) => e.probe === "fly");
    expect(fly(off?.content)?.enabled).toBe(false);
    expect(fly(on?.content)?.enabled).toBe(true);
  });
});
