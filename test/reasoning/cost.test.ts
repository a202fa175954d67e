import { describe, expect, it } from "vitest";
import { chooseEngine } from "../../src/reasoning/cost";
import { estimateUsageCost, MODEL_PRICES } from "../../src/reasoning/cost";
import { utcDayBounds } from "../../src/reasoning/cost";

describe("estimateUsageCost", () => {
  const usage = {
    input_tokens: 1_000,
    output_tokens: 500,
    cache_creation_input_tokens: 2_000,
    cache_read_input_tokens: 4_000,
  };

  it("prices a known usage of the default model by the table, as worked out by hand", () => {
    // Sonnet 5.5: $2 in, $10 out, cache write 1.25 × 2 = $2.50, cache read 0.1 × 2 = $0.20 per million.
    // 1000×2 + 500×10 + 2000×2.5 + 4000×0.2 = 12,800 millionths of a dollar.
    expect(estimateUsageCost("claude-sonnet-5-5", usage)).toBe(0.0128);
  });

  it("prices the economy model by its own row", () => {
    // Haiku 4.5: 1000×1 + 500×5 + 2000×1.25 + 4000×0.1 = 6,400 millionths.
    expect(estimateUsageCost("claude-haiku-4-5", usage)).toBe(0.0064);
  });

  it("prices a model missing from the table as the dearest one, so the budget errs safe", () => {
    const dearest = Math.max(...Object.values(MODEL_PRICES).map((p) => p.input));
    expect(dearest).toBe(5);
    expect(estimateUsageCost("claude-unknown-9", usage)).toBe(estimateUsageCost("claude-opus-4-8", usage));
  });
});

describe("the budget ladder", () => {
  const ladder = (spent_usd: number, budget_usd = 5) =>
    chooseEngine({
      has_api_key: true,
      spent_usd,
      budget_usd,
      primary_model: "claude-sonnet-5-5",
      economy_model: "claude-haiku-4-5",
    });

  it("uses the primary model under 80% of the budget", () => {
    expect(ladder(0)).toMatchObject({ kind: "model", model: "claude-sonnet-5-5", tier: "primary" });
    expect(ladder(3.99)).toMatchObject({ kind: "model", tier: "primary" });
  });

  it("switches to the economy model at 80%", () => {
    expect(ladder(4)).toMatchObject({ kind: "model", model: "claude-haiku-4-5", tier: "economy" });
    expect(ladder(4.99)).toMatchObject({ kind: "model", tier: "economy" });
  });

  it("stops the engine at 100%, and when the budget is zero", () => {
    expect(ladder(5)).toMatchObject({ kind: "unavailable", reason: "budget_spent" });
    expect(ladder(0, 0)).toMatchObject({ kind: "unavailable", reason: "budget_spent" });
  });

  it("has no engine without an API key, whatever the spend", () => {
    expect(
      chooseEngine({ has_api_key: false, spent_usd: 0, budget_usd: 5, primary_model: "a", economy_model: "b" }),
    ).toMatchObject({ kind: "unavailable", reason: "no_api_key" });
  });

  it("counts the day in UTC", () => {
    expect(utcDayBounds(new Date("2026-11-25T23:59:59.999Z"))).toEqual({
      start: "2026-11-25T00:00:00.000Z",
      end: "2026-11-26T00:00:00.000Z",
    });
  });
});
