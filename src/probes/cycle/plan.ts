import type { EnvelopeEnv } from "../../contracts/envelopes";
import type { ProbeResult } from "../providers/probe-result";
import { memoryKey, type TargetUpdate } from "./state";
import { decideWake, isWakeOpen, type TargetMemory, type WakeSettings } from "./wake-decision";
import type { Wake } from "./wake-send";
import { buildWakeMessage, wakeIdFor } from "./wakes";

export interface CyclePlan {
  /** State to write when the wakes went out. */
  updates: TargetUpdate[];
  /** State to write when sending failed: counts advance, but no wake is remembered, so the next cycle tries again. */
  updatesWithoutWakes: TargetUpdate[];
  wakes: Wake[];
}

/** Turns a cycle's results and what D1 remembers into new state and the wakes to send. */
export async function planCycle(input: {
  results: ProbeResult[];
  memory: Map<string, TargetMemory>;
  investigations: Map<string, "running" | "done">;
  settings: WakeSettings;
  envelopeEnv: EnvelopeEnv;
  scheduledTime: number;
  now: Date;
}): Promise<CyclePlan> {
  const plan: CyclePlan = { updates: [], updatesWithoutWakes: [], wakes: [] };
  for (const result of input.results) {
    const memory = input.memory.get(memoryKey(result.probe, result.target));
    const investigation = memory?.last_wake_id ? input.investigations.get(memory.last_wake_id) : undefined;
    const open = memory ? isWakeOpen(memory, investigation, input.now) : false;
    const decision = decideWake(result.status, memory, open, input.settings, input.now);
    const kept: TargetUpdate = {
      result,
      consecutive_unhealthy: decision.consecutive_unhealthy,
      last_wake_at: memory?.last_wake_at ?? null,
      last_wake_id: memory?.last_wake_id ?? null,
    };
    plan.updatesWithoutWakes.push(kept);
    if (!decision.wake) {
      plan.updates.push(kept);
      continue;
    }
    const wakeId = await wakeIdFor(input.scheduledTime, result.probe, result.target);
    const message = buildWakeMessage(wakeId, result, decision.consecutive_unhealthy, input.envelopeEnv);
    plan.wakes.push({ message, result });
    plan.updates.push({ ...kept, last_wake_at: input.now.toISOString(), last_wake_id: wakeId });
  }
  return plan;
}
