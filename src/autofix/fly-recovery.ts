import type { FlyClient, FlyError } from "../fly/client";
import type { MachineSnapshot, RecoveryOutcome } from "../contracts";
import { checksPassing, isPersistentState, machineSnapshot } from "../fly/machine";
import type { ExecutorLimits } from "./limits";

export interface RecoveryVerdict {
  outcome: RecoveryOutcome;
  after_state?: MachineSnapshot;
  checks_passing?: boolean;
  /** The last read that failed, when the verdict had to be made without a fresh one. */
  last_error?: FlyError;
}

/**
 * After the action: wait (bounded) for `started`, then re-read. A 200 from start/restart only
 * means Fly accepted the request; the verdict comes from the machine as it is now:
 * `recovered` = started with every check passing; `not_recovered` = settled in another state;
 * `unknown` = the bound ran out first (still starting, checks still failing, or Fly unreadable).
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
    if (!read.ok) {
      verdict = { ...verdict, outcome: "unknown", last_error: read.error };
    } else {
      const machine = read.value;
      const passing = checksPassing(machine);
      verdict = { outcome: "unknown", after_state: machineSnapshot(machine), checks_passing: passing };
      started = machine.state === "started";
      if (started && passing) return { ...verdict, outcome: "recovered" };
      if (!started && isPersistentState(machine.state)) return { ...verdict, outcome: "not_recovered" };
    }
    if (started || !read.ok) await sleepUntil(Math.min(deadline, Date.now() + limits.checks_poll_ms));
  }
  return verdict;
}

async function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
