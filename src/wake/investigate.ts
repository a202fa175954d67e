import { approvalBlocksForAttempts } from "../approvals";
import { restartsLeftThisHour } from "../autofix";
import { readAutonomyPause } from "../autonomy";
import type { Config, KoraEnv } from "../config";
import { chooseEngine, readSpendToday, ZERO_USAGE, type EngineChoice } from "../reasoning";
import { runReasoningLoop, type LoopLimits, type ReasoningOutcome } from "../reasoning";
import { anyFixActionSent, fixAttemptsFrom } from "../reasoning";
import { buildInvestigationDm, type DmEngine, type FixBudget } from "../slack/investigation-dm";
import { sendOperatorDm, type DmDelivery } from "../slack/send-dm";
import { recordInvestigationOnIncident } from "./after-investigation";
import { claimInvestigation, finishInvestigation, releaseClaim } from "./claim";
import { followUpClaimed } from "./follow-up";
import { incidentOfWake } from "./incident-of-wake";
import type { AutofixAttemptDetails, IncidentScope, WakeMessage } from "../contracts";

export interface InvestigationOptions {
  now?: () => Date;
  loop_limits?: Partial<LoopLimits>;
}

/** What the consumer does with the message afterwards. */
export type InvestigationResult =
  { kind: "completed"; dm: DmDelivery } | { kind: "already_done" } | { kind: "running_elsewhere"; stale_at: Date };

/**
 * DESIGN §3 steps 2–6 for one parsed wake: claim, pick the engine, reason (or fall back), DM,
 * one `probe.investigation_completed` row, mark done. Every side effect is keyed on the wake, so
 * a redelivery after a crash repeats none of them (the DM log and the audit row insert nothing;
 * a repeated fix meets gate 5 with the machine already started). A follow-up of an incident
 * (`refailure`, `flapping`: §11) is claimed the same way but never reaches the model.
 */
export async function investigateWake(
  wake: WakeMessage,
  env: KoraEnv,
  config: Config,
  options: InvestigationOptions = {},
): Promise<InvestigationResult> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const claim = await claimInvestigation(env.DB, wake, started);
  if (claim.kind === "done") return { kind: "already_done" };
  if (claim.kind === "running_elsewhere") return claim;
  try {
    const dm =
      wake.kind === "wake"
        ? await investigateClaimed(wake, env, config, now, started, claim.token, options)
        : await followUpClaimed(wake, env, config, now, started, claim.token);
    return { kind: "completed", dm };
  } catch (error) {
    // The original fault is what the retry must see; a release that fails too only means the
    // retry waits for the claim to go stale.
    await releaseClaim(env.DB, wake.wake_id, claim.token).catch(() => undefined);
    throw error;
  }
}

async function investigateClaimed(
  wake: WakeMessage,
  env: KoraEnv,
  config: Config,
  now: () => Date,
  started: Date,
  token: string,
  options: InvestigationOptions,
): Promise<DmDelivery> {
  const incident = await incidentOfWake(env.DB, wake);
  const choice = chooseEngine({
    has_api_key: config.ANTHROPIC_API_KEY !== undefined,
    spent_usd: await readSpendToday(env.DB, started),
    budget_usd: config.KORA_DAILY_BUDGET_USD,
    primary_model: config.KORA_MODEL,
    economy_model: config.KORA_ECONOMY_MODEL,
  });
  const outcome =
    choice.kind === "model" && config.ANTHROPIC_API_KEY
      ? await runReasoningLoop({
          wake,
          config,
          api_key: config.ANTHROPIC_API_KEY,
          model: choice.model,
          ctx: {
            env,
            config,
            caller_session_id: wake.caller_session_id,
            source: "reasoning",
            now,
            incident: incidentScope(wake),
          },
          limits: options.loop_limits,
        })
      : null;
  const engine = dmEngine(choice, outcome);
  const attempts = outcome ? fixAttemptsFrom(outcome.tool_calls) : [];
  // A fix only the envelope refused gets Approve/Dismiss buttons (DESIGN §4, docs/slack-approvals.md);
  // a storm offers them for its first few targets, so the DM stays within Slack's 50 blocks.
  const offerable = attempts.filter((a) => firstTargets(wake).has(a.target_id));
  const approvalBlocks = await approvalBlocksForAttempts(
    env,
    config,
    wake.caller_session_id,
    offerable,
    now(),
    incidentScope(wake),
  );
  const dm = buildInvestigationDm(
    {
      wake,
      engine,
      summary: outcome?.summary ?? "",
      fix_attempts: attempts,
      fix_budgets: await fixBudgets(env, config, wake, attempts, now()),
      autonomy: await readAutonomyPause(env.DB),
    },
    { extra_blocks: approvalBlocks },
  );
  const delivery = await sendOperatorDm(
    env,
    config,
    {
      id: `dm:${wake.wake_id}`,
      caller_session_id: wake.caller_session_id,
      kind: engine.kind === "model" ? "investigation" : "engine_fallback",
      text: dm.text,
      blocks: dm.blocks,
      engine_unavailable: engine.kind === "unavailable",
    },
    now(),
  );

  await recordInvestigationOnIncident(env, incident, wake, attempts, delivery);

  const usage = outcome?.usage ?? ZERO_USAGE;
  const summary = engine.kind === "model" ? outcome?.summary || dm.text : dm.text;
  const finished = now();
  await finishInvestigation(env, wake, token, finished, {
    model: outcome?.model ?? null,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
    cost_usd: outcome?.cost_usd ?? 0,
    turns: outcome?.turns ?? 0,
    duration_ms: finished.getTime() - started.getTime(),
    summary,
    dm_status: delivery.dm_status,
    autofix_attempted: anyFixActionSent(attempts),
    engine: engine.kind === "model" ? engine.tier : `unavailable:${engine.reason}`,
    loop_end: outcome?.end ?? null,
    tool_calls:
      outcome?.tool_calls.map(({ name, is_error, refused }) => ({
        name,
        is_error,
        ...(refused ? { refused } : {}),
      })) ?? [],
    fix_attempts: attempts.map((a) => ({
      target_id: a.target_id,
      status: a.status,
      outcome: a.outcome ?? null,
      rejection_reason: a.rejection_reason ?? null,
    })),
    dm_error: delivery.error,
    left_to_decide: dm.left_to_decide,
  });
  return delivery;
}

/** The ladder's choice, or — when the model API failed after its retries — unavailable too. */
function dmEngine(choice: EngineChoice, outcome: ReasoningOutcome | null): DmEngine {
  if (choice.kind === "unavailable") return { kind: "unavailable", reason: choice.reason };
  if (!outcome) return { kind: "unavailable", reason: "no_api_key" };
  if (outcome.end === "engine_failed") {
    return { kind: "unavailable", reason: `model_api_${outcome.engine_error?.kind ?? "unknown"}` };
  }
  return { kind: "model", model: choice.model, tier: choice.tier };
}

/** Targets a DM may offer approvals for, or look budgets up for: the first few of a storm. */
const DM_TARGETS = 10;
const firstTargets = (wake: WakeMessage) => new Set(wake.targets.slice(0, DM_TARGETS).map((t) => t.target));

/** The Fly restart budget left for the wake's machines (the first few of a storm) and every machine a fix touched. */
async function fixBudgets(
  env: KoraEnv,
  config: Config,
  wake: WakeMessage,
  attempts: AutofixAttemptDetails[],
  now: Date,
): Promise<FixBudget[]> {
  const targets = new Set(wake.probe === "fly" ? firstTargets(wake) : []);
  for (const attempt of attempts)
    if (attempt.probe === "fly" && targets.size < DM_TARGETS) targets.add(attempt.target_id);
  const budgets: FixBudget[] = [];
  for (const target_id of targets) {
    budgets.push({
      target_id,
      left: await restartsLeftThisHour(env, config, target_id, now),
      max: config.KORA_AUTOFIX_MAX_RESTARTS,
    });
  }
  return budgets;
}

/** What the loop may fix: the wake's own targets, each with the Fly app it was seen in. */
function incidentScope(wake: WakeMessage): IncidentScope {
  return {
    incident_id: wake.caller_session_id,
    wake_id: wake.wake_id,
    probe: wake.probe,
    targets: wake.targets.map(({ target, fly_app }) => (fly_app ? { target, fly_app } : { target })),
  };
}
