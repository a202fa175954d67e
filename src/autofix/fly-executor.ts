import type { Config, KoraEnv } from "../config";
import type { FlyClient, FlyError } from "../fly/client";
import type { AuditSource, MachineSnapshot, RecoveryOutcome, RejectionReason } from "../contracts";
import { machineSnapshot, type Machine } from "../fly/machine";
import { configuredFlyAppNames } from "../fly/apps";
import { refuseOverBudget } from "./budget";
import { awaitRecovery } from "./fly-recovery";
import { leaseTarget } from "./fly-lease";
import { planFlyFix, type FlyAction } from "./fly-target";
import { leaseTtlSeconds, type ExecutorLimits } from "./limits";

/** The refusals gate 5 gives once the target is known to be in scope (it needs Fly and the audit log). */
export type Gate5Reason = Extract<
  RejectionReason,
  | "target_not_found"
  | "target_already_started"
  | "target_not_unhealthy"
  | "restart_budget_exhausted"
  | "fleet_budget_exhausted"
  | "target_busy"
  | "action_not_allowed"
>;

interface StepCommon {
  fly_app?: string;
  before_state?: MachineSnapshot;
}

export type ExecutorStep =
  | (StepCommon & {
      status: "rejected";
      rejection_reason: Gate5Reason;
      rejection_detail: Record<string, unknown>;
    })
  | (StepCommon & {
      status: "failed";
      error: FlyError;
      /** Set when the action itself was sent: it may have reached the machine. */
      action_taken?: FlyAction;
      lease_released?: boolean;
    })
  | (StepCommon & {
      status: "attempted";
      fly_app: string;
      before_state: MachineSnapshot;
      action_taken: FlyAction;
      outcome: RecoveryOutcome;
      after_state?: MachineSnapshot;
      checks_passing?: boolean;
      lease_released: boolean;
      error?: FlyError;
    });

/** Shadow mode (DESIGN §12): every check passed; `would_take` is the call that was not sent. */
export interface ShadowStep {
  status: "shadowed";
  fly_app: string;
  before_state: MachineSnapshot;
  would_take: FlyAction;
}

export type ExecutorResult = (ExecutorStep | ShadowStep) & { executor_duration_ms: number };

/** Who asks, and what the incident (if any) already says about the machine. */
export interface FlyFixRequest {
  target_id: string;
  source: AuditSource;
  caller_session_id: string;
  /** Reasoning only: the incident the fix belongs to (one fix action per target per wake). */
  incident_id?: string;
  /** Reasoning only: the app the wake saw the machine in; looked in alone. */
  fly_app?: string;
}

export interface FlyExecutorDeps {
  client: FlyClient;
  env: Pick<KoraEnv, "DB">;
  config: Pick<
    Config,
    | "KORA_FLY_APPS"
    | "KORA_FLY_APP_NAME"
    | "KORA_FLY_STAGING_APP_NAME"
    | "KORA_AUTOFIX_MAX_RESTARTS"
    | "KORA_AUTOFIX_MAX_FLEET_RESTARTS"
  >;
  now: Date;
  limits: ExecutorLimits;
  /** Shown to whoever else looks at the lease (a deploy that has to wait). */
  lease_description: string;
  /** `shadow`: stop after gate 5's checks, before the lease and the action (DESIGN §12). */
  mode: "on" | "shadow";
}

/**
 * Gate 5 and the fix for `restart_unhealthy_machine`, in the fewest Fly calls that keep the lease
 * and the verification: the budgets (audit log, no Fly call), then the lease (which also finds
 * the app: 404 = not there), one fresh read under it, the action, the wait and the re-read(s),
 * and the release on every path. With the app known from the wake that is 6 calls for a crashed
 * machine; the read-before-lease of the first version is gone.
 */
export async function executeFlyRestart(request: FlyFixRequest, deps: FlyExecutorDeps): Promise<ExecutorResult> {
  const startedAt = Date.now();
  const step = await runFlyRestart(request, deps);
  return { ...step, executor_duration_ms: Date.now() - startedAt };
}

async function runFlyRestart(request: FlyFixRequest, deps: FlyExecutorDeps): Promise<ExecutorStep | ShadowStep> {
  const { client } = deps;
  const apps = searchOrder(request, deps.config);
  if (apps.kind === "unconfigured") {
    return {
      status: "rejected",
      rejection_reason: "target_not_found",
      rejection_detail: { why: "app_not_configured", fly_app: apps.fly_app, apps_configured: apps.configured },
    };
  }
  const overBudget = await refuseOverBudget(deps.env, deps.config, request, deps.now);
  if (overBudget)
    return { status: "rejected", ...overBudget, ...(request.fly_app ? { fly_app: request.fly_app } : {}) };

  // Shadow mode (DESIGN §12): gate 5's lookups run as `on` would, but the lease is the first write.
  if (deps.mode === "shadow") return shadowFlyFix(client, apps.apps, request.target_id, deps.now);

  const lease = await leaseTarget(client, apps.apps, request.target_id, {
    ttl_seconds: leaseTtlSeconds(deps.limits),
    description: deps.lease_description,
  });
  switch (lease.kind) {
    case "not_found":
      return {
        status: "rejected",
        rejection_reason: "target_not_found",
        rejection_detail: { apps_checked: lease.apps_checked },
      };
    case "busy":
      return {
        status: "rejected",
        rejection_reason: "target_busy",
        rejection_detail: { why: "leased_by_someone_else", fly_message: lease.fly_message },
        fly_app: lease.app,
      };
    case "error":
      return { status: "failed", fly_app: lease.app, error: lease.error };
    case "leased":
      break;
  }
  let result: ExecutorStep;
  let released: boolean;
  try {
    result = await actUnderLease(client, lease.app, request.target_id, lease.nonce, deps);
  } finally {
    // Released on every path; if Fly refuses, the TTL ends it, and the row says so.
    released = (await client.releaseLease(lease.app, request.target_id, lease.nonce)).ok;
  }
  return result.status === "rejected" ? result : { ...result, lease_released: released };
}

async function actUnderLease(
  client: FlyClient,
  app: string,
  targetId: string,
  nonce: string,
  deps: FlyExecutorDeps,
): Promise<ExecutorStep> {
  const fresh = await client.getMachine(app, targetId);
  if (!fresh.ok) return { status: "failed", fly_app: app, error: fresh.error };
  const decision = decide(fresh.value, app, targetId, deps.now);
  if (decision.kind === "stop") return decision.step;
  const { action, before } = decision;
  const sentAt = Date.now();
  const sent =
    action === "start_machine"
      ? await client.startMachine(app, targetId, { nonce })
      : await client.restartMachine(app, targetId, { nonce });
  if (!sent.ok)
    return { status: "failed", fly_app: app, before_state: before, action_taken: action, error: sent.error };

  const verdict = await awaitRecovery(client, app, targetId, deps.limits, sentAt);
  return {
    status: "attempted",
    fly_app: app,
    before_state: before,
    action_taken: action,
    outcome: verdict.outcome,
    ...(verdict.after_state ? { after_state: verdict.after_state } : {}),
    ...(verdict.checks_passing === undefined ? {} : { checks_passing: verdict.checks_passing }),
    ...(verdict.last_error ? { error: verdict.last_error } : {}),
    lease_released: false,
  };
}

/** One fresh read judged by the probe's rule: the action to take, or the step that ends the fix. */
function decide(
  machine: Machine,
  app: string,
  targetId: string,
  now: Date,
): { kind: "act"; action: FlyAction; before: MachineSnapshot } | { kind: "stop"; step: ExecutorStep } {
  const before = machineSnapshot(machine);
  const plan = planFlyFix(machine, app, now);
  switch (plan.kind) {
    case "unreadable":
      return {
        kind: "stop",
        step: {
          status: "failed",
          fly_app: app,
          before_state: before,
          error: { kind: "bad_response", message: `Fly answered for ${app}/${targetId} without a state` },
        },
      };
    case "refuse":
      return {
        kind: "stop",
        step: {
          status: "rejected",
          rejection_reason: plan.rejection_reason,
          rejection_detail: plan.rejection_detail,
          fly_app: app,
          before_state: before,
        },
      };
    case "act":
      return { kind: "act", action: plan.action, before };
  }
}

/**
 * What `on` would do, without the lease: the machine found by reading it in each app in order
 * (a 404 means another app), then the same plan the leased read would follow. A machine leased
 * by a deploy cannot be seen without taking a lease, so shadow mode never reports `target_busy`.
 */
async function shadowFlyFix(
  client: FlyClient,
  apps: readonly string[],
  targetId: string,
  now: Date,
): Promise<ExecutorStep | ShadowStep> {
  for (const app of apps) {
    const read = await client.getMachine(app, targetId);
    if (!read.ok && read.error.kind === "not_found") continue;
    if (!read.ok) return { status: "failed", fly_app: app, error: read.error };
    const decision = decide(read.value, app, targetId, now);
    if (decision.kind === "stop") return decision.step;
    return { status: "shadowed", fly_app: app, before_state: decision.before, would_take: decision.action };
  }
  return { status: "rejected", rejection_reason: "target_not_found", rejection_detail: { apps_checked: [...apps] } };
}

type SearchOrder = { kind: "apps"; apps: string[] } | { kind: "unconfigured"; fly_app: string; configured: string[] };

/**
 * Where to look. A reasoning fix whose wake names the app looks there alone: a machine id never
 * moves between apps, so a 404 there means it is gone, not elsewhere — and an app that is no
 * longer configured is not searched at all. Everyone else (MCP callers, approvals, a v1 wake
 * without an app) gets the configured apps in order.
 */
function searchOrder(request: FlyFixRequest, config: FlyExecutorDeps["config"]): SearchOrder {
  const configured = configuredFlyAppNames(config);
  if (request.fly_app === undefined) return { kind: "apps", apps: configured };
  return configured.includes(request.fly_app)
    ? { kind: "apps", apps: [request.fly_app] }
    : { kind: "unconfigured", fly_app: request.fly_app, configured };
}
