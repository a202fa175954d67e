import type { FlyClient, FlyError } from "../fly/client";
import type { MachineSnapshot, RecoveryOutcome } from "../contracts";
import { isPersistentState, machineSnapshot, type Machine } from "../fly/machine";
import { failingChecks, isRunningHealthy } from "../fly/machine-health";
import type { ExecutorLimits } from "./limits";

export interface RecoveryVerdict {
  outcome: RecoveryOutcome;
  after_state?: MachineSnapshot;
  checks_passing?: boolean;
  /** The last read that failed, when the verdict had to be made without a fresh one. */
  last_error?: FlyError;
}

/**
 * After the action: wait (bounded) for `started`, then re-read, and keep re-reading while a
 * started machine's checks settle — Fly reports checks some seconds after a start. A 200 from
 * start/restart only means Fly accepted the request; the verdict comes from the machine as it is
 * now, judged by the probe's own rule: `recovered` = started and healthy (no critical check,
 * host reachable); `not_recovered` = settled in another state, or still started and unhealthy
 * when the bound runs out; `unknown` = the bound ran out while it was moving or unreadable.
 */
export async function awaitRecovery(
  client: FlyClient,
  app: string,
  id: string,
  limits: ExecutorLimits,
  actionSentAt: number,
): Promise<RecoveryVerdict> {
  const deadline = actionSentAt + limits.recovery_bound_ms;
  let verdict: RecoveryVerdict = { outcome: "unknown" };
  let started = false;
  let lastReadOk = false;
  while (Date.now() < deadline) {
    if (!started) {
      const remainingSeconds = Math.ceil((deadline - Date.now()) / 1000);
      // A 408 or any other wait failure is not a verdict; the re-read below is.
      await client.waitForState(app, id, {
        state: "started",
        timeout_seconds: Math.min(limits.wait_chunk_seconds, remainingSeconds),
      });
    }
    const read = await client.getMachine(app, id);
    lastReadOk = read.ok;
    if (!read.ok) {
      verdict = { ...verdict, outcome: "unknown", last_error: read.error };
    } else {
      const machine = read.value;
      started = machine.state === "started";
      verdict = readVerdict(machine);
      if (started && isRunningHealthy(machine, new Date())) return { ...verdict, outcome: "recovered" };
      if (!started && isPersistentState(machine.state)) return { ...verdict, outcome: "not_recovered" };
    }
    if (started || !read.ok) await sleepUntil(Math.min(deadline, Date.now() + limits.checks_poll_ms));
  }
  // Started but still unhealthy when the bound ran out: the restart did not cure it.
  return started && lastReadOk ? { ...verdict, outcome: "not_recovered" } : verdict;
}

/** `checks_passing`: no critical check and the host reachable, as the probe reads it. */
function readVerdict(machine: Machine): RecoveryVerdict {
  return {
    outcome: "unknown",
    after_state: machineSnapshot(machine),
    checks_passing: failingChecks(machine).length === 0 && machine.host_status !== "unreachable",
  };
}

async function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
