import {
  envelopeMode,
  FIX_ENVELOPES,
  PROBES,
  type EnvelopeEnv,
  type EnvelopeMode,
  type FixAction,
  type ProbeName,
  type ShadowLabel,
  type ShadowLabeledDetails,
} from "../contracts";
import { countDecisions, listRecentDecisions, type LabeledDecision } from "./shadow-queries";
import { readAutonomySwitch, type AutonomySwitch } from "./switch-store";

/**
 * What an operator reads before turning `shadow` into `on` (DESIGN §12): per envelope its mode,
 * the pause, and the shadow decisions of the window with their labels and precision. Modes are
 * read from the variables at call time, like gate 2.
 */

export interface DecisionSummary {
  decision_id: string;
  decided_at: string;
  /** The incident (or MCP call) the decision belongs to. */
  caller_session_id: string;
  source: string;
  target_id: string;
  fly_app: string | null;
  would_take: FixAction | null;
  label: ShadowLabel | null;
  why: ShadowLabeledDetails["why"] | null;
  minutes_to_recovery: number | null;
}

export interface EnvelopeSummary {
  probe: ProbeName;
  fix_name: string | null;
  enable_env: string;
  actions: string[];
  /** What the variable says. */
  mode: EnvelopeMode;
  /** What gate 2 does now: the mode, lowered to `paused` while the switch is on. */
  effective: EnvelopeMode | "paused";
  decisions: number;
  needed: number;
  unneeded: number;
  /** Decisions whose outcome is not known yet. */
  pending: number;
  /** needed ÷ (needed + unneeded); `null` before the first label. */
  precision: number | null;
  last_decisions: DecisionSummary[];
}

export interface EnvelopeReport {
  autonomy: AutonomySwitch;
  window: { days: number; since: string };
  envelopes: EnvelopeSummary[];
}

export const DEFAULT_WINDOW_DAYS = 30;
export const LAST_DECISIONS = 10;

export async function readEnvelopeReport(
  env: { DB: D1Database } & EnvelopeEnv,
  now: Date,
  options: { days?: number; last?: number } = {},
): Promise<EnvelopeReport> {
  const days = options.days ?? DEFAULT_WINDOW_DAYS;
  const since = new Date(now.getTime() - days * 24 * 60 * 60 * 1000).toISOString();
  const [autonomy, counts] = await Promise.all([readAutonomySwitch(env.DB), countDecisions(env.DB, since)]);
  const envelopes = await Promise.all(
    PROBES.map(async (probe): Promise<EnvelopeSummary> => {
      const count = counts.find((c) => c.probe === probe) ?? { decisions: 0, needed: 0, unneeded: 0 };
      const last = options.last ?? LAST_DECISIONS;
      const recent = count.decisions > 0 && last > 0 ? await listRecentDecisions(env.DB, probe, since, last) : [];
      const mode = envelopeMode(probe, env);
      const envelope = FIX_ENVELOPES[probe];
      const labeled = count.needed + count.unneeded;
      return {
        probe,
        fix_name: envelope.fix_name,
        enable_env: envelope.enable_env,
        actions: Object.keys(envelope.actions),
        mode,
        effective: mode !== "off" && autonomy.paused ? "paused" : mode,
        decisions: count.decisions,
        needed: count.needed,
        unneeded: count.unneeded,
        pending: count.decisions - labeled,
        precision: labeled > 0 ? count.needed / labeled : null,
        last_decisions: recent.map(summarize),
      };
    }),
  );
  return { autonomy, window: { days, since }, envelopes };
}

function summarize({ row, details, label }: LabeledDecision): DecisionSummary {
  return {
    decision_id: row.id,
    decided_at: row.emitted_at,
    caller_session_id: row.caller_session_id,
    source: row.source,
    target_id: details.target_id,
    fly_app: details.fly_app ?? null,
    would_take: details.would_take ?? null,
    label: label?.label ?? null,
    why: label?.why ?? null,
    minutes_to_recovery: label?.minutes_to_recovery ?? null,
  };
}
