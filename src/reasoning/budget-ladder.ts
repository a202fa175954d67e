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
