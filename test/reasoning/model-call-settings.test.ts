import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { modelCallSettings } from "../../src/reasoning/model-call";

describe("how each model is asked", () => {
  it("gives a thinking model room for thinking plus the answer, and the configured effort", () => {
    expect(modelCallSettings("claude-sonnet-5-5", "medium")).toEqual({
      max_tokens: 16_000,
      output_config: { effort: "medium" },
    });
    expect(modelCallSettings("claude-opus-5-5", "high")).toEqual({
      max_tokens: 16_000,
      output_config: { effort: "high" },
    });
  });

  it("keeps 2,048 tokens and sends no effort to Haiku 4.5, which does not think and does not take one", () => {
    expect(modelCallSettings("claude-haiku-4-5", "medium")).toEqual({ max_tokens: 2_048 });
  });

  it("gives a model it does not know room to think, but no effort it might refuse", () => {
    expect(modelCallSettings("claude-sonnet-9", "low")).toEqual({ max_tokens: 16_000 });
  });
});

describe("KORA_MODEL_EFFORT", () => {
  it("is medium when unset, and takes low, medium or high", () => {
    expect(parseConfig({ ...env, KORA_MODEL_EFFORT: "" }).KORA_MODEL_EFFORT).toBe("medium");
    for (const effort of ["low", "medium", "high"]) {
      expect(parseConfig({ ...env, KORA_MODEL_EFFORT: ` ${effort} ` }).KORA_MODEL_EFFORT).toBe(effort);
    }
  });

  it("names itself when its value is bad", () => {
    expect(() => parseConfig({ ...env, KORA_MODEL_EFFORT: "max" })).toThrowError(
      expect.objectContaining({
        name: "ConfigError",
        variable: "KORA_MODEL_EFFORT",
        message: "configuration error: KORA_MODEL_EFFORT must be low, medium or high",
      }),
    );
  });
});
