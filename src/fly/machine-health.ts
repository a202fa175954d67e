import { latestExit, type Machine } from "./machine";

/** Why a machine counts as healthy or not: one tag per rule, so tests and the console can say which. */
export type MachineVerdict =
  | {
      status: "healthy";
      reason: "running" | "requested_stop" | "clean_exit" | "standby" | "suspended" | "never_started" | "transitioning";
    }
  | {
      status: "unhealthy";
      reason:
        "checks_failing" | "host_unreachable" | "crashed" | "oom_killed" | "failed" | "wedged" | "stopped_unexplained";
    }
  /** Fly answered without a state: nothing can be said, and nothing is done. */
  | { status: "error"; reason: "state_unknown" };

/** The docs call a machine wedged after this long in a transient state (10 min for `updating`). */
const WEDGED_AFTER_MS = 5 * 60_000;
const WEDGED_UPDATING_AFTER_MS = 10 * 60_000;
const TRANSIENT_STATES = new Set([
  "creating",
  "starting",
  "stopping",
  "restarting",
  "suspending",
  "destroying",
  "updating",
  "replacing",
  "launch_failed",
]);

/**
 * The Fly rule (pure, `now` passed in), the one function behind the probe, gate 5 and the fix's
 * verdict. A machine stopped by autostop or by someone's request, or one that exited cleanly, is
 * healthy: that is how scale-to-zero looks. One that crashed, was OOM-killed, failed, is stuck in
 * a transient state, or runs with a critical check or on an unreachable host is not — Fly itself
 * never restarts a `started` machine for failing its checks (docs/provider-apis.md §1).
 */
export function judgeMachine(machine: Machine, now: Date): MachineVerdict {
  switch (machine.state) {
    case undefined:
      return { status: "error", reason: "state_unknown" };
    case "started":
      if (machine.host_status === "unreachable") return { status: "unhealthy", reason: "host_unreachable" };
      return failingChecks(machine).length > 0
        ? { status: "unhealthy", reason: "checks_failing" }
        : { status: "healthy", reason: "running" };
    case "failed":
      return { status: "unhealthy", reason: "failed" };
    case "created":
      return { status: "healthy", reason: "never_started" };
    case "stopped":
    case "suspended":
      return judgeStopped(machine);
    default:
      return TRANSIENT_STATES.has(machine.state) && isWedged(machine, now)
        ? { status: "unhealthy", reason: "wedged" }
        : { status: "healthy", reason: "transitioning" };
  }
}

function judgeStopped(machine: Machine): MachineVerdict {
  if (isStandby(machine)) return { status: "healthy", reason: "standby" };
  const exit = latestExit(machine);
  if (exit) {
    if (exit.oom_killed) return { status: "unhealthy", reason: "oom_killed" };
    if (exit.requested_stop) return { status: "healthy", reason: "requested_stop" };
    if (exit.exit_code === 0) return { status: "healthy", reason: "clean_exit" };
    return { status: "unhealthy", reason: "crashed" };
  }
  if (machine.state === "suspended") return { status: "healthy", reason: "suspended" };
  // A `stop` newer than any exit means someone asked for it and the exit is still on its way.
  if (machine.events[0]?.type === "stop") return { status: "healthy", reason: "requested_stop" };
  // Nothing says why it stopped: notice it rather than assume it was meant.
  return { status: "unhealthy", reason: "stopped_unexplained" };
}

/** The critical checks, by name. A check without a status is not counted either way. */
export function failingChecks(machine: Machine): string[] {
  return machine.checks.filter((check) => check.status === "critical").map((check) => check.name ?? "unnamed check");
}

/** Running and judged healthy by the same rule: checks not critical, host reachable. */
export function isRunningHealthy(machine: Machine, now: Date): boolean {
  return machine.state === "started" && judgeMachine(machine, now).status === "healthy";
}

/** True when the machine's own events cannot tell why it stopped (the list may leave them out). */
export function needsEvents(machine: Machine): boolean {
  return (machine.state === "stopped" || machine.state === "suspended") && !latestExit(machine) && !isStandby(machine);
}

function isStandby(machine: Machine): boolean {
  const standbys = machine.config?.standbys;
  return Array.isArray(standbys) && standbys.length > 0;
}

function isWedged(machine: Machine, now: Date): boolean {
  const since = Date.parse(machine.updated_at ?? "");
  if (Number.isNaN(since)) return false;
  const bound = machine.state === "updating" ? WEDGED_UPDATING_AFTER_MS : WEDGED_AFTER_MS;
  return now.getTime() - since > bound;
}

const READABLE: Record<MachineVerdict["reason"], string> = {
  running: "running",
  requested_stop: "stopped on request (autostop or an operator)",
  clean_exit: "exited cleanly (exit code 0)",
  standby: "standby machine",
  suspended: "suspended",
  never_started: "created, not started yet",
  transitioning: "changing state",
  checks_failing: "failing health checks",
  host_unreachable: "host unreachable",
  crashed: "crashed",
  oom_killed: "killed: out of memory",
  failed: "failed to start",
  wedged: "stuck in a transient state",
  stopped_unexplained: "stopped with no exit event to explain it",
  state_unknown: "Fly did not say which state it is in",
};

/** A small, operator-readable detail for one machine: facts, not the raw payload. */
export function machineDetail(
  app: string,
  machine: Machine,
  verdict: MachineVerdict,
): Record<string, unknown> & { summary: string } {
  const exit = latestExit(machine);
  const failing = failingChecks(machine);
  let summary = `${app}/${machine.id} (${machine.name || "unnamed"}) ${machine.state ?? "no state"}: ${READABLE[verdict.reason]}`;
  if (verdict.reason === "crashed" && exit?.exit_code !== undefined) summary += ` with exit code ${exit.exit_code}`;
  if (failing.length > 0) summary += ` (${failing.join(", ")})`;
  return {
    summary,
    reason: verdict.reason,
    app,
    machine_id: machine.id,
    name: machine.name,
    state: machine.state ?? null,
    region: machine.region,
    ...(machine.host_status && machine.host_status !== "ok" ? { host_status: machine.host_status } : {}),
    ...(exit
      ? {
          exit: {
            exit_code: exit.exit_code,
            oom_killed: exit.oom_killed ?? false,
            requested_stop: exit.requested_stop ?? false,
          },
        }
      : {}),
    ...(failing.length > 0 ? { failing_checks: failing } : {}),
  };
}
