import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { ConfigError, parseConfig } from "../../src/config";

describe("parseConfig", () => {
  it("applies the documented defaults", () => {
    const config = parseConfig({ ...env, KORA_WAKE_AFTER_CYCLES: "", KORA_MODEL: "" });
    expect(config.KORA_WAKE_AFTER_CYCLES).toBe(2);
    expect(config.KORA_WAKE_COOLDOWN_MINUTES).toBe(30);
    expect(config.KORA_AUTOFIX_MAX_RESTARTS).toBe(3);
    expect(config.KORA_APPROVAL_TTL_MINUTES).toBe(60);
    expect(config.KORA_DAILY_BUDGET_USD).toBe(5);
    expect(config.KORA_MODEL).toBe("claude-sonnet-5-5");
    expect(config.KORA_MCP_CALLERS).toEqual([]);
  });

  it.each([
    ["KORA_WAKE_AFTER_CYCLES", "two"],
    ["KORA_WAKE_COOLDOWN_MINUTES", "-5"],
    ["KORA_DAILY_BUDGET_USD", "lots"],
    ["KORA_FLY_API_BASE_URL", "not a url"],
    ["KORA_OPERATOR_EMAIL", "nobody"],
  ])("names %s when its value is bad", (variable, value) => {
    expect(() => parseConfig({ ...env, [variable]: value })).toThrowError(
      expect.objectContaining({ name: "ConfigError", variable, message: expect.stringContaining(variable) }),
    );
  });

  it("never echoes a secret value in its message", () => {
    const callers = '[{"id":"ci","token_sha256":"not-hex-secretish-value"}]';
    try {
      parseConfig({ ...env, KORA_MCP_CALLERS: callers });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe("KORA_MCP_CALLERS");
      expect((error as Error).message).not.toContain("not-hex-secretish-value");
    }
    try {
      parseConfig({ ...env, KORA_MCP_CALLERS: "{not json sk-secret" });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe("configuration error: KORA_MCP_CALLERS is not valid JSON");
    }
  });
});

describe("entry points", () => {
  it("answer 503 naming the variable when the configuration is bad", async () => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("https://kora.test/api/audit"),
      { ...env, KORA_WAKE_AFTER_CYCLES: "soon" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: { code: "misconfigured", message: expect.stringContaining("KORA_WAKE_AFTER_CYCLES") },
    });
  });

  it("close the operator API with 503 when no operator token is configured", async () => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("https://kora.test/api/audit", { headers: { authorization: "Bearer anything" } }),
      { ...env, KORA_OPERATOR_TOKEN: undefined },
      ctx,
    );
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toContain("KORA_OPERATOR_TOKEN");
  });
});

describe("outbound guard", () => {
  it("refuses a request from the Worker to any host outside the fake world", async () => {
    const response = await fetch("https://api.machines.dev/v1/apps/x/machines");
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("refused by the test guard");
  });
});
