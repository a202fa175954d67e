import { z } from "zod";

/**
 * USD per million tokens, per model (docs/api-notes.md). Models retire and prices change: this table
 * is the one place to update. Cache writes are the 5-minute kind (1.25× input); reads are 0.1×.
 */
export interface ModelPrice {
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
}

const price = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cache_write: input * 1.25,
  cache_read: input * 0.1,
});

export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-opus-5-5": price(4, 20),
  "claude-sonnet-5-5": price(2, 10),
  "claude-sonnet-5": price(2, 10),
  "claude-opus-4-8": price(5, 25),
  "claude-opus-4-7": price(5, 25),
  "claude-opus-4-6": price(5, 25),
  "claude-opus-4-5": price(5, 25),
  "claude-opus-4-5-20251101": price(5, 25),
  "claude-sonnet-4-6": price(3, 15),
  "claude-haiku-4-5": price(1, 5),
  "claude-haiku-4-5-20251001": price(1, 5),
};

/** A model missing from the table is priced as the dearest one, so the budget errs on the safe side. */
const UNKNOWN_MODEL_PRICE: ModelPrice = Object.values(MODEL_PRICES).reduce((dearest, row) =>
  row.input > dearest.input ? row : dearest,
);

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export const ZERO_USAGE: TokenUsage = {
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
  };
}

export function priceOf(model: string): { price: ModelPrice; known: boolean } {
  const known = Object.hasOwn(MODEL_PRICES, model);
  return { price: known ? (MODEL_PRICES[model] ?? UNKNOWN_MODEL_PRICE) : UNKNOWN_MODEL_PRICE, known };
}

/** Cost in USD of one call or a sum of calls, rounded to a millionth of a dollar. */
export function estimateUsageCost(model: string, usage: TokenUsage): number {
  const { price: p } = priceOf(model);
  const micro =
    usage.input_tokens * p.input +
    usage.output_tokens * p.output +
    usage.cache_creation_input_tokens * p.cache_write +
    usage.cache_read_input_tokens * p.cache_read;
  return Math.round(micro) / 1_000_000;
}

/**
 * The cost ladder of DESIGN §6, pure: under 80% of the day's budget the primary model, from 80%
 * the economy model, at 100% no model at all (fallback DMs only).
 */
export const ECONOMY_FROM_SHARE = 0.8;

export type EngineChoice =
  | { kind: "model"; model: string; tier: "primary" | "economy"; spent_usd: number; budget_usd: number }
  | { kind: "unavailable"; reason: "no_api_key" | "budget_spent"; spent_usd: number; budget_usd: number };

export function chooseEngine(input: {
  has_api_key: boolean;
  spent_usd: number;
  budget_usd: number;
  primary_model: string;
  economy_model: string;
}): EngineChoice {
  const { spent_usd, budget_usd } = input;
  if (!input.has_api_key) return { kind: "unavailable", reason: "no_api_key", spent_usd, budget_usd };
  if (spent_usd >= budget_usd) return { kind: "unavailable", reason: "budget_spent", spent_usd, budget_usd };
  if (spent_usd >= budget_usd * ECONOMY_FROM_SHARE) {
    return { kind: "model", model: input.economy_model, tier: "economy", spent_usd, budget_usd };
  }
  return { kind: "model", model: input.primary_model, tier: "primary", spent_usd, budget_usd };
}

const SpendRow = z.object({ spent: z.number().nullable() });

/** The UTC day containing `now`, as the ISO bounds audit rows are compared with. */
export function utcDayBounds(now: Date): { start: string; end: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const end = new Date(start.getTime() + 24 * 60 * 60 * 1000);
  return { start: start.toISOString(), end: end.toISOString() };
}

/** The day's spend: the sum of `cost_usd` over that day's `probe.investigation_completed` rows. */
export async function readSpendToday(db: D1Database, now: Date): Promise<number> {
  const { start, end } = utcDayBounds(now);
  const row = await db
    .prepare(
      `SELECT COALESCE(SUM(json_extract(details, '$.cost_usd')), 0) AS spent FROM audit_events
       WHERE seam = 'probe.investigation_completed' AND emitted_at >= ?1 AND emitted_at < ?2`,
    )
    .bind(start, end)
    .first();
  return SpendRow.parse(row).spent ?? 0;
}
