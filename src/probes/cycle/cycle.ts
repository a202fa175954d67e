import { labelShadowDecisions } from "../../autonomy";
import type { Config, KoraEnv } from "../../config";
import type { ProbeResult, WakeMessage } from "../../contracts";
import { claimCycle, completeCycleStatement, type CycleClaim } from "./claim";
import { planCycle } from "./plan";
import { pruneStatements } from "./state";
import { runAllProbes } from "../providers/run-probes";
import { loadInvestigationStatuses, loadTargetMemory, saveResultStatement, saveTargetStatement } from "./state";
import { enqueueWakes, recordWakesRequested } from "./wakes";

export interface CycleOutcome {
  claim: CycleClaim;
  results: ProbeResult[];
  wakes: WakeMessage[];
}

export class WakeSendError extends Error {
  override readonly name = "WakeSendError";
}

/**
 * The per-minute probe cycle (DESIGN §2): claim the minute, probe everything at once, decide
 * wakes, send them, record them, and only then write state and mark the minute done, in one
 * D1 transaction. Everything before that write is safe to repeat (wake ids are derived from the
 * minute, audit rows keyed by them), so a firing that crashed midway can be re-run. If the
 * queue refuses the wakes, the state is written without them so the next cycle tries again,
 * and the cycle throws so the failure shows.
 */
export async function runProbeCycle(
  env: KoraEnv,
  config: Config,
  now: Date,
  options: { fetch?: typeof fetch; slots?: number } = {},
): Promise<CycleOutcome> {
  const scheduledTime = now.getTime();
  const claim = await claimCycle(env.DB, scheduledTime, new Date());
  if (claim !== "claimed" && claim !== "taken_over") {
    logCycle({ scheduled_time: now.toISOString(), claim });
    return { claim, results: [], wakes: [] };
  }

  const results = await runAllProbes(config, now, options);
  const memory = await loadTargetMemory(env.DB);
  const wakeIds = [...memory.values()].flatMap((m) => (m.last_wake_id ? [m.last_wake_id] : []));
  const plan = await planCycle({
    results,
    memory,
    investigations: await loadInvestigationStatuses(env.DB, wakeIds),
    settings: { wakeAfterCycles: config.KORA_WAKE_AFTER_CYCLES, cooldownMinutes: config.KORA_WAKE_COOLDOWN_MINUTES },
    envelopeEnv: env,
    scheduledTime,
    now,
  });

  let sendFailure: unknown;
  if (plan.wakes.length > 0) {
    try {
      await enqueueWakes(env.WAKE_QUEUE, plan.wakes);
    } catch (error) {
      sendFailure = error;
    }
  }
  if (sendFailure === undefined) await recordWakesRequested(env, plan.wakes);

  const updates = sendFailure === undefined ? plan.updates : plan.updatesWithoutWakes;
  await env.DB.batch([
    ...updates.map((update) => saveTargetStatement(env.DB, update)),
    ...results.map((result) => saveResultStatement(env.DB, scheduledTime, result)),
    completeCycleStatement(env.DB, scheduledTime, new Date()),
    ...pruneStatements(env.DB, now),
  ]);
  await labelShadowDecisions(env, config, results, now);

  const wakes = sendFailure === undefined ? plan.wakes.map((wake) => wake.message) : [];
  logCycle({
    scheduled_time: now.toISOString(),
    claim,
    counts: countByStatus(results),
    wakes: wakes.map((wake) => ({ wake_id: wake.wake_id, probe: wake.probe, target: wake.target })),
    ...(sendFailure === undefined ? {} : { wake_send_failed: plan.wakes.length }),
  });
  if (sendFailure !== undefined) {
    throw new WakeSendError(`could not send ${plan.wakes.length} wake(s); the next cycle retries`, {
      cause: sendFailure,
    });
  }
  return { claim, results, wakes };
}

function countByStatus(results: ProbeResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
  return counts;
}

/** One line per cycle for `wrangler tail`: what ran, what it found, what it woke. */
function logCycle(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ kora_probe_cycle: line }));
}
