import { z } from "zod";
import type { MachineSnapshot } from "../contracts";

/**
 * Fly Machines API response shapes (docs/provider-apis.md §1), parsed at the edge. Only the fields Kora
 * reads are required; everything else Fly adds is dropped by the parse, so a new field upstream
 * never breaks a probe or a fix.
 */

export const MachineCheck = z.object({
  name: z.string(),
  status: z.string().describe("passing | warning | critical"),
  output: z.string().optional(),
  updated_at: z.string().optional(),
});
export type MachineCheck = z.infer<typeof MachineCheck>;

export const MachineExitEvent = z.object({
  exit_code: z.number().optional(),
  oom_killed: z.boolean().optional(),
  requested_stop: z.boolean().optional(),
  restarting: z.boolean().optional(),
  signal: z.number().optional(),
  guest_signal: z.number().optional(),
  guest_exit_code: z.number().optional(),
  exited_at: z.union([z.string(), z.number()]).optional(),
});
export type MachineExitEvent = z.infer<typeof MachineExitEvent>;

export const MachineEvent = z.object({
  id: z.string().optional(),
  type: z.string(),
  status: z.string(),
  source: z.string().optional(),
  timestamp: z.number(),
  request: z
    .object({
      exit_event: MachineExitEvent.optional(),
      restart_count: z.number().optional(),
      MonitorEvent: z.object({ exit_event: MachineExitEvent.optional() }).optional(),
    })
    .optional()
    .catch(undefined),
});
export type MachineEvent = z.infer<typeof MachineEvent>;

// flaps may insert synthetic `bg_deployments_compat*` checks; they say nothing about health.
const realChecks = z
  .array(MachineCheck)
  .default([])
  .transform((checks) => checks.filter((check) => !check.name.startsWith("bg_deployments_compat")));

// Fly sends events newest first; sorting again keeps that a guarantee rather than a hope.
const newestFirst = z
  .array(MachineEvent)
  .default([])
  .transform((events) => [...events].sort((a, b) => b.timestamp - a.timestamp));

export const Machine = z.object({
  id: z.string(),
  name: z.string().default(""),
  state: z.string(),
  region: z.string().default(""),
  instance_id: z.string().default(""),
  private_ip: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  host_status: z.string().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  checks: realChecks,
  events: newestFirst,
});
export type Machine = z.infer<typeof Machine>;

export const MachineList = z.array(Machine);

export const StartMachineResponse = z.object({
  message: z.string().optional(),
  status: z.string().optional(),
  previous_state: z.string().optional(),
});
export type StartMachineResponse = z.infer<typeof StartMachineResponse>;

export const WaitMachineResponse = z.object({
  ok: z.boolean().optional(),
  state: z.string().optional(),
  version: z.string().optional(),
  event_id: z.string().optional(),
});
export type WaitMachineResponse = z.infer<typeof WaitMachineResponse>;

/** flyctl reads the envelope `{ status, data: { nonce, … } }`; `expires_at` is Unix seconds. */
export const MachineLease = z
  .object({
    status: z.string().optional(),
    data: z.object({
      nonce: z.string().min(1),
      expires_at: z.number(),
      owner: z.string().optional(),
      description: z.string().optional(),
      version: z.string().optional(),
    }),
  })
  .transform((lease) => lease.data);
export type MachineLease = z.infer<typeof MachineLease>;

/** States a machine rests in; anything else is on its way somewhere. */
export const PERSISTENT_STATES = ["created", "started", "stopped", "suspended", "failed"] as const;

export function isPersistentState(state: string): boolean {
  return (PERSISTENT_STATES as readonly string[]).includes(state);
}

export function machineSnapshot(machine: Machine): MachineSnapshot {
  return {
    id: machine.id,
    name: machine.name,
    state: machine.state,
    region: machine.region,
    instance_id: machine.instance_id,
  };
}

/** True when every health check passes (a machine without checks has nothing failing). */
export function checksPassing(machine: Machine): boolean {
  return machine.checks.every((check) => check.status === "passing");
}

/** The newest `exit` event's details: tells an autostop or clean exit from a crash. */
export function latestExit(machine: Machine): MachineExitEvent | undefined {
  const exit = machine.events.find((event) => event.type === "exit");
  return exit?.request?.MonitorEvent?.exit_event ?? exit?.request?.exit_event;
}
