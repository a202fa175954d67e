import { labelShadowDecisions } from "../../autonomy";
import { redactSecrets } from "../../audit/redact";
import { type Config, type KoraEnv, secretValues } from "../../config";
import type { ProbeName, ProbeResult, WakeMessage } from "../../contracts";
import {
  deleteUnsentIncidentStatements,
  getIncident,
  type IncidentSettings,
  insertIncidentStatements,
  isActive,
  loadActiveIncidents,
  refreshFixesStatement,
  resolveIncident,
} from "../../incidents";
import { runAllProbes } from "../providers/run-probes";
import { claimCycle, completeCycleStatement, type CycleClaim } from "./claim";
import { loadInvestigationStatuses, loadRecentChanges } from "./lookups";
import { loadTargetMemory } from "./memory";
import { type CyclePlan, planCycle, type PlannedWake, type Step, stepTargets, turnedUnhealthy } from "./plan";
import { forgetTargetStatement, pruneStatements, saveTargetStatement, saveTransitionStatement } from "./state";
import { claimWakes, releaseStatements } from "./wake-claims";
import { buildWakeMessage, enqueueWakes, recordWakesRequested, type Wake } from "./wakes";

export interface CycleOutcome {
  claim: CycleClaim;
  results: ProbeResult[];
  wakes: WakeMessage[];
  /** Ids of the incidents this cycle resolved. */
  resolved: string[];
}

export class WakeSendError extends Error {
  override readonly name = "WakeSendError";
}

export function incidentSettings(config: Config): IncidentSettings {
  return {
    wakeAfterCycles: config.KORA_WAKE_AFTER_CYCLES,
    cooldownMinutes: config.KORA_WAKE_COOLDOWN_MINUTES,
    resolveAfterCycles: config.KORA_RESOLVE_AFTER_CYCLES,
    flapChanges: config.KORA_FLAP_CHANGES,
    flapWindowMinutes: config.KORA_FLAP_WINDOW_MINUTES,
  };
}

/**
 * The per-minute probe cycle (DESIGN §2, §11): claim the minute, probe everything at once,
 * decide wakes and resolutions, claim each wake on its targets' state, send, record, resolve,
 * and write what changed with the minute's completion in one D1 transaction. A target whose
 * result changed nothing is not written (issue 20). Everything before that last write is safe to
 * repeat (wake ids derive from the minute, rows are keyed), so a firing that crashed midway can be
 * re-run. If the queue refuses the wakes, their claims are given back and the cycle throws, so the
 * next cycle tries again and the failure shows.
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
    return { claim, results: [], wakes: [], resolved: [] };
  }

  const results = await probeRedacted(env, config, now, options);
  const plan = await planFromD1(env.DB, config, results, scheduledTime, now);

  const wakes = await sendWakes(env, plan.wakes, now);
  const resolved: string[] = [];
  for (const resolution of plan.resolutions) {
    if ((await resolveIncident(env, config, resolution, now)) === "resolved") resolved.push(resolution.incident.id);
  }
  const changed = plan.steps.filter((step) => step.next.changed);
  await env.DB.batch([
    ...stepStatements(env.DB, changed, now),
    ...plan.gone.map((key) => forgetTargetStatement(env.DB, key)),
    refreshFixesStatement(env.DB),
    completeCycleStatement(env.DB, scheduledTime, new Date()),
    ...pruneStatements(env.DB, now),
  ]);
  await labelShadowDecisions(env, config, results, now);

  logCycle({
    scheduled_time: now.toISOString(),
    claim,
    counts: countByStatus(results),
    written: changed.length,
    wakes: wakes.sent.map((wake) => ({
      wake_id: wake.wake_id,
      kind: wake.kind,
      probe: wake.probe,
      targets: wake.targets.length,
    })),
    ...(resolved.length > 0 ? { resolved } : {}),
    held: plan.held,
    ...(wakes.failed > 0 ? { wake_send_failed: wakes.failed } : {}),
  });
  if (wakes.error !== undefined) {
    throw new WakeSendError(`could not send ${wakes.failed} wake(s); the next cycle retries`, { cause: wakes.error });
  }
  return { claim, results, wakes: wakes.sent, resolved };
}

/** Runs the probes (all, or `only` some) with provider text scrubbed of secrets before it is stored, queued or audited. */
export async function probeRedacted(
  env: KoraEnv,
  config: Config,
  now: Date,
  options: { fetch?: typeof fetch; slots?: number; only?: readonly ProbeName[] } = {},
): Promise<ProbeResult[]> {
  const secrets = secretValues(env);
  return (await runAllProbes(config, now, { ...options, secrets })).map((result) => ({
    ...result,
    detail: redactSecrets(result.detail, secrets).value,
  }));
}

/** What changed targets write: their state, and a transition when their status changed. */
export function stepStatements(db: D1Database, changed: Step[], now: Date): D1PreparedStatement[] {
  return [
    ...changed.map((step) => saveTargetStatement(db, step.result, step.next.state)),
    ...changed.flatMap((step) =>
      step.next.transition
        ? [
            saveTransitionStatement(db, {
              ...step.result,
              at: now.toISOString(),
              ...step.next.transition,
              detail: step.result.detail,
            }),
          ]
        : [],
    ),
  ];
}

/**
 * Reads what the rules need — every target's memory, open incidents, and only for the targets
 * concerned the rest. `wakeSeed` makes the wake ids: the cycle's scheduled time, or an event's key.
 */
export async function planFromD1(
  db: D1Database,
  config: Config,
  results: ProbeResult[],
  wakeSeed: number | string,
  now: Date,
): Promise<CyclePlan> {
  const settings = incidentSettings(config);
  const [memory, incidents] = await Promise.all([loadTargetMemory(db), loadActiveIncidents(db)]);
  const steps = stepTargets(results, memory, now);
  const concerned = steps.filter(
    (step) =>
      step.next.state.status === "unhealthy" &&
      (turnedUnhealthy(step) || step.next.state.consecutive_unhealthy >= settings.wakeAfterCycles),
  );
  const wakeIds = [...memory.values()].flatMap((m) => (m.last_wake_id ? [m.last_wake_id] : []));
  const flapSince = new Date(now.getTime() - settings.flapWindowMinutes * 60_000);
  const [investigations, changes, resolved] = await Promise.all([
    loadInvestigationStatuses(db, wakeIds),
    loadRecentChanges(
      db,
      concerned.filter(turnedUnhealthy).map((step) => step.result),
      flapSince,
    ),
    // A concerned target's incident that is no longer open may be re-opened by a re-failure.
    Promise.all(
      [...new Set(concerned.flatMap((step) => step.previous?.incident_id ?? []))]
        .filter((id) => !incidents.has(id))
        .map((id) => getIncident(db, id)),
    ),
  ]);
  for (const incident of resolved) if (incident && !isActive(incident.status)) incidents.set(incident.id, incident);
  return planCycle({ steps, memory, ctx: { investigations, incidents, changes, settings, now }, wakeSeed });
}

/**
 * Claims, opens and sends the cycle's wakes, then records them. An incident a wake opens is
 * written before the message leaves, so the consumer always finds it; if the send fails, the
 * claims are given back and the unsent incidents taken back, and nothing is recorded.
 */
export async function sendWakes(
  env: KoraEnv,
  planned: PlannedWake[],
  now: Date,
  source: "cron" | "system" = "cron",
): Promise<{ sent: WakeMessage[]; failed: number; error?: unknown }> {
  const claimed = await claimWakes(env.DB, planned, now);
  if (claimed.length === 0) return { sent: [], failed: 0 };
  const wakes: Wake[] = claimed.map((plan) => ({ plan, message: buildWakeMessage(plan, env) }));
  const opening = claimed.filter((wake) => wake.opens);
  if (opening.length > 0) {
    await env.DB.batch(
      opening.flatMap((wake) =>
        insertIncidentStatements(env.DB, {
          id: wake.incident_id,
          probe: wake.probe,
          opened_at: now.toISOString(),
          first_unhealthy_at: firstUnhealthy(wake, now),
          targets: wake.members.map((member) => ({
            target: member.result.target,
            fly_app:
              typeof member.result.detail.app === "string" && wake.probe === "fly" ? member.result.detail.app : null,
          })),
        }),
      ),
    );
  }
  try {
    await enqueueWakes(env.WAKE_QUEUE, wakes);
  } catch (error) {
    await env.DB.batch([
      ...releaseStatements(env.DB, claimed),
      ...opening.flatMap((wake) => deleteUnsentIncidentStatements(env.DB, wake.incident_id)),
    ]);
    return { sent: [], failed: wakes.length, error };
  }
  await recordWakesRequested(env, wakes, source);
  return { sent: wakes.map((wake) => wake.message), failed: 0 };
}

function firstUnhealthy(wake: PlannedWake, now: Date): string {
  const starts = wake.members.flatMap((member) => member.next.state.unhealthy_since ?? []);
  return starts.length > 0 ? starts.reduce((a, b) => (a < b ? a : b)) : now.toISOString();
}

function countByStatus(results: ProbeResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
  return counts;
}

/** One line per cycle for `wrangler tail`: what ran, what it found, what it wrote, woke and resolved. */
function logCycle(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ kora_probe_cycle: line }));
}
