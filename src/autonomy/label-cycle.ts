import { recordAudit } from "../audit/record";
import type { Config, KoraEnv } from "../config";
import { ProbeName, type ProbeResult, type ShadowLabeledDetails } from "../contracts";
import { labelShadowDecision, type ShadowDecision } from "./label";
import { listFixesSentAfter, listUnlabeledDecisions, shadowLabelId, type StoredDecision } from "./shadow-queries";

/**
 * How far back an unlabeled decision is still watched. Past it (a target that was destroyed, a
 * probe unconfigured since) the decision stays unlabeled: counted, never guessed.
 */
export const LABEL_HORIZON_MS = 7 * 24 * 60 * 60 * 1000;
/** A bound on one cycle's work; the rest waits for the next minute. */
const DECISIONS_PER_CYCLE = 200;

/**
 * Called by the probe cycle with its results and scheduled time: labels every shadowed decision
 * whose outcome is now known (DESIGN §12), one `autofix.shadow_labeled` row each, in the
 * decision's own session so it joins the incident's timeline. The row's id derives from the
 * decision's, so a re-fired cycle labels nothing twice; a failed write throws and the next
 * cycle, finding the decision still unlabeled, tries again.
 */
export async function labelShadowDecisions(
  env: KoraEnv,
  config: Pick<Config, "KORA_SHADOW_LABEL_MINUTES">,
  results: readonly ProbeResult[],
  now: Date,
): Promise<ShadowLabeledDetails[]> {
  const window = { since: new Date(now.getTime() - LABEL_HORIZON_MS).toISOString(), until: now.toISOString() };
  const pending = await listUnlabeledDecisions(env.DB, window, DECISIONS_PER_CYCLE);
  if (pending.length === 0) return [];

  const observed = new Map(results.map((result) => [`${result.probe}\u0000${result.target}`, result.status]));
  const fixes = await listFixesSentAfter(env.DB, Math.min(...pending.map((stored) => stored.row.seq)));
  const labeled: ShadowLabeledDetails[] = [];
  for (const stored of pending) {
    const decision = shadowDecisionOf(stored);
    if (!decision) continue;
    const verdict = labelShadowDecision({
      decision,
      observed: observed.get(`${decision.probe}\u0000${decision.target_id}`),
      fixes,
      at: now,
      label_minutes: config.KORA_SHADOW_LABEL_MINUTES,
    });
    if (!verdict) continue;
    const details: ShadowLabeledDetails = {
      decision_id: decision.id,
      probe: decision.probe,
      target_id: decision.target_id,
      ...verdict,
      decided_at: decision.decided_at,
      labeled_at: now.toISOString(),
      label_minutes: config.KORA_SHADOW_LABEL_MINUTES,
    };
    await recordAudit(env, {
      id: shadowLabelId(decision.id),
      seam: "autofix.shadow_labeled",
      caller_session_id: stored.row.caller_session_id,
      source: "cron",
      details,
    });
    labeled.push(details);
  }
  return labeled;
}

function shadowDecisionOf({ row, details }: StoredDecision): ShadowDecision | null {
  const probe = ProbeName.safeParse(details.probe);
  if (!probe.success) return null;
  return { id: row.id, seq: row.seq, decided_at: row.emitted_at, probe: probe.data, target_id: details.target_id };
}
