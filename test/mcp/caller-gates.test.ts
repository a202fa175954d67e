import { describe, expect, it } from "vitest";
import type { McpCaller } from "../../src/config";
import { sha256Hex } from "../../src/contracts";
import { toolAnnotations } from "../../src/mcp/server";
import { identifyMcpCaller } from "../../src/mcp/callers";
import { checkToolCap } from "../../src/mcp/tool-call";
import { MUTATING_TOOLS, TOOL_NAMES } from "../../src/tools/registry";

const caller = async (id: string, token: string, caps: string[] = []): Promise<McpCaller> => ({
  id,
  token_sha256: await sha256Hex(token),
  caps,
});

describe("identifyMcpCaller", () => {
  it("refuses everything while no callers are configured", async () => {
    expect(await identifyMcpCaller("any-token", [])).toEqual({ ok: false, reason: "no_callers_configured" });
  });

  it("refuses a missing token and an unknown token with different reasons", async () => {
    const callers = [await caller("desktop", "token-a")];
    expect(await identifyMcpCaller(undefined, callers)).toEqual({ ok: false, reason: "missing_token" });
    expect(await identifyMcpCaller("token-b", callers)).toEqual({ ok: false, reason: "unknown_token" });
  });

  it("finds the caller whose hash matches, not the first in the list", async () => {
    const callers = [
      await caller("desktop", "token-a"),
      await caller("ci", "token-b", ["kora__attempt_probe_autofix"]),
    ];
    expect(await identifyMcpCaller("token-b", callers)).toEqual({ ok: true, caller: callers[1] });
  });

  it("does not accept the hash itself as a token", async () => {
    const callers = [await caller("desktop", "token-a")];
    expect(await identifyMcpCaller(callers[0]?.token_sha256, callers)).toMatchObject({ ok: false });
  });
});

describe("checkToolCap", () => {
  const autofix = { name: "kora__attempt_probe_autofix", requiresCapGate: true };
  const read = { name: "kora__query_audit", requiresCapGate: false };

  it("opens read tools to any known caller", async () => {
    expect(checkToolCap(read, await caller("desktop", "t"))).toEqual({ allowed: true });
  });

  it("needs the exact tool name in caps for a gated tool", async () => {
    expect(checkToolCap(autofix, await caller("desktop", "t", ["kora__attempt_probe_autofi", "*", "all"]))).toEqual({
      allowed: false,
      reason: "missing_cap",
      missing_cap: "kora__attempt_probe_autofix",
    });
    expect(checkToolCap(autofix, await caller("ci", "t", ["kora__attempt_probe_autofix"]))).toEqual({ allowed: true });
  });
});

describe("toolAnnotations", () => {
  it.each(TOOL_NAMES)("sets all four hints explicitly on %s, destructive exactly when mutating", (name) => {
    const mutating = MUTATING_TOOLS.includes(name);
    const hints = toolAnnotations({ name, mutating });
    expect(hints).toEqual({
      readOnlyHint: !mutating,
      destructiveHint: mutating,
      idempotentHint: expect.any(Boolean),
      openWorldHint: expect.any(Boolean),
    });
  });

  it("marks the two mutating tools not idempotent and open-world", () => {
    for (const name of MUTATING_TOOLS) {
      expect(toolAnnotations({ name, mutating: true })).toMatchObject({ idempotentHint: false, openWorldHint: true });
    }
  });

  it("is cautious about a tool it has no hints for", () => {
    expect(toolAnnotations({ name: "kora__future_tool", mutating: true })).toEqual({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: true,
    });
  });
});
