import type { Config, KoraEnv } from "../config";
import type { FlyClient, FlyError } from "../fly/client";
import type { MachineSnapshot, RecoveryOutcome, RejectionReason } from "../contracts";
import { machineSnapshot, type Machine } from "../fly/machine";
import { readRestartBudget } from "./budget";
import { awaitRecovery } from "./fly-recovery";
import { chooseFlyAction, isGone, type FlyAction } from "./fly-target";
import { leaseTtlSeconds, type ExecutorLimits } from "./limits";
import { findTargetMachine } from "../fly/apps";

/** The refusals only gate 5 gives (it needs Fly and the audit log). */
export type Gate5Reason = Extract<
  RejectionReason,
  "target_not_found" | "target_already_started" | "restart_budget_exhausted" | "target_busy"
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

export interface FlyExecutorDeps {
  client: FlyClient;
  env: Pick<KoraEnv, "DB">;
  config: Pick<Config, "KORA_FLY_APP_NAME" | "KORA_FLY_STAGING_APP_NAME" | "KORA_AUTOFIX_MAX_RESTARTS">;
  now: Date;
  limits: ExecutorLimits;
  /** Shown to whoever else looks at the lease (a deploy that has to wait). */
  lease_description: string;
  /** `shadow`: stop after gate 5's checks, before the lease and the action (DESIGN §12). */
  mode: "on" | "shadow";
}

/**
 * Gate 5 and the fix for `restart_unhealthy_machine`: find the machine (prod, then staging),
 * refuse a started, over-budget or leased one, then under our own lease re-read it (a concurrent
 * attempt may have fixed it meanwhile), act, verify, and always release the lease.
 */
export async function executeFlyRestart(targetId: string, deps: FlyExecutorDeps): Promise<ExecutorResult> {
  const startedAt = Date.now();
  const step = await runFlyRestart(targetId, deps);
  return { ...step, executor_duration_ms: Date.now() - startedAt };
}

async function runFlyRestart(targetId: string, deps: FlyExecutorDeps): Promise<ExecutorStep | ShadowStep> {
  const { client } = deps;
  const lookup = await findTargetMachine(client, deps.config, targetId);
  if (lookup.kind === "error") return { status: "failed", fly_app: lookup.app, error: lookup.error };
  if (lookup.kind === "not_found") {
    return {
      status: "rejected",
      rejection_reason: "target_not_found",
      rejection_detail: { apps_checked: lookup.apps_checked },
    };
  }
  const app = lookup.app;
  const early = refuseByState(lookup.machine, app);
  if (early) return early;

  const budget = await readRestartBudget(deps.env, deps.config, targetId, deps.now);
  if (budget.left <= 0) {
    return {
      status: "rejected",
      rejection_reason: "restart_budget_exhausted",
      rejection_detail: { max_per_hour: budget.max, used: budget.used, window_started_at: budget.window_started_at },
      fly_app: app,
      before_state: machineSnapshot(lookup.machine),
    };
  }

  // Shadow mode: gate 5's lookups ran as `on` would; the lease is the first write, so stop here.
  if (deps.mode === "shadow") {
    const would_take = chooseFlyAction(lookup.machine.state) ?? "start_machine";
    return { status: "shadowed", fly_app: app, before_state: machineSnapshot(lookup.machine), would_take };
  }

  const lease = await client.acquireLease(app, targetId, {
    ttl_seconds: leaseTtlSeconds(deps.limits),
    description: deps.lease_description,
  });
  if (!lease.ok) {
    if (lease.error.kind === "conflict") {
      return {
        status: "rejected",
        rejection_reason: "target_busy",
        rejection_detail: { why: "leased_by_someone_else", fly_message: lease.error.message },
        fly_app: app,
        before_state: machineSnapshot(lookup.machine),
      };
    }
    return { status: "failed", fly_app: app, before_state: machineSnapshot(lookup.machine), error: lease.error };
  }
  const nonce = lease.value.nonce;
  let result: ExecutorStep;
  let released: boolean;
  try {
    result = await actUnderLease(client, app, targetId, nonce, deps.limits);
  } finally {
    // Released on every path; if Fly refuses, the TTL ends it, and the row says so.
    released = (await client.releaseLease(app, targetId, nonce)).ok;
  }
  return result.status === "rejected" ? result : { ...result, lease_released: released };
}

async function actUnderLease(
  client: FlyClient,
  app: string,
  targetId: string,
  nonce: string,
  limits: ExecutorLimits,
): Promise<ExecutorStep> {
  const fresh = await client.getMachine(app, targetId);
  if (!fresh.ok) return { status: "failed", fly_app: app, error: fresh.error };
  const refused = refuseByState(fresh.value, app);
  if (refused) return refused;
  const before = machineSnapshot(fresh.value);
  const action = chooseFlyAction(fresh.value.state) ?? "start_machine";

  const sentAt = Date.now();
  const sent =
    action === "start_machine"
      ? await client.startMachine(app, targetId, { nonce })
      : await client.restartMachine(app, targetId, { nonce });
  if (!sent.ok)
    return { status: "failed", fly_app: app, before_state: before, action_taken: action, error: sent.error };

  const verdict = await awaitRecovery(client, app, targetId, limits, sentAt);
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

/** Gate 5's state checks, asked twice: before the lease and again under it. */
function refuseByState(machine: Machine, app: string): ExecutorStep | undefined {
  const before_state = machineSnapshot(machine);
  if (isGone(machine.state)) {
    return {
      status: "rejected",
      rejection_reason: "target_not_found",
      rejection_detail: { fly_app: app, state: machine.state },
      fly_app: app,
      before_state,
    };
  }
  if (machine.state === "started") {
    return {
      status: "rejected",
      rejection_reason: "target_already_started",
      rejection_detail: { fly_app: app, state: machine.state },
      fly_app: app,
      before_state,
    };
  }
  if (chooseFlyAction(machine.state) === null) {
    return {
      status: "rejected",
      rejection_reason: "target_busy",
      rejection_detail: { why: "in_transition", state: machine.state },
      fly_app: app,
      before_state,
    };
  }
  return undefined;
}
