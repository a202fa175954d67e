import { z } from "zod";
import type { MachineSnapshot } from "../contracts";

/**
 * Fly Machines API response shapes (docs/provider-apis.md §1), parsed at the edge. The spec marks
 * no field of `Machine`, `MachineEvent` or `CheckStatus` as required, and fly-go leaves zero
 * values out, so the parse is as lenient as that wherever leniency is safe: a field of the wrong
 * type reads as absent, an event or a check that is not an object is dropped on its own, and a
 * new field upstream is ignored. One odd event must never turn a whole app's probe into `error`.
 *
 * It is strict only where a decision needs the field: a listed machine without an `id` cannot be
 * named, probed or fixed, so it is left out of the list; a machine without a `state` is kept
 * (with `state` undefined) and is judged `error` by the probe and never acted on by gate 5.
 */

/** Absent, or of a type the spec does not allow: either way, not there. */
const maybe = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** Each element parsed on its own: the ones that do not fit are dropped, never the whole list. */
function eachOf<T extends z.ZodType>(item: T) {
  return z
    .unknown()
    .optional()
    .transform((value) => (Array.isArray(value) ? value : []))
    .transform((items) =>
      items.flatMap((entry) => {
        const parsed = item.safeParse(entry);
        return parsed.success ? [parsed.data as z.output<T>] : [];
      }),
    );
}

export const MachineCheck = z.object({
  name: maybe(z.string()),
  /** `passing | warning | critical`; absent means Fly did not say, which is neither. */
  status: maybe(z.string()),
  output: maybe(z.string()),
  updated_at: maybe(z.string()),
});
export type MachineCheck = z.infer<typeof MachineCheck>;

export const MachineExitEvent = z.object({
  exit_code: maybe(z.number()),
  oom_killed: maybe(z.boolean()),
  requested_stop: maybe(z.boolean()),
  restarting: maybe(z.boolean()),
  signal: maybe(z.number()),
  guest_signal: maybe(z.number()),
  guest_exit_code: maybe(z.number()),
  exited_at: maybe(z.union([z.string(), z.number()])),
});
export type MachineExitEvent = z.infer<typeof MachineExitEvent>;

export const MachineEvent = z.object({
  id: maybe(z.string()),
  type: maybe(z.string()),
  status: maybe(z.string()),
  source: maybe(z.string()),
  /** Unix milliseconds. */
  timestamp: maybe(z.number()),
  request: maybe(
    z.object({
      exit_event: maybe(MachineExitEvent),
      restart_count: maybe(z.number()),
      MonitorEvent: maybe(z.object({ exit_event: maybe(MachineExitEvent) })),
    }),
  ),
});
export type MachineEvent = z.infer<typeof MachineEvent>;

// flaps may insert synthetic `bg_deployments_compat*` checks; they say nothing about health.
const realChecks = eachOf(MachineCheck).transform((checks) =>
  checks.filter((check) => !check.name?.startsWith("bg_deployments_compat")),
);

// Fly sends events newest first. Sorting again keeps that a guarantee when every event has its
// timestamp; when one has none there is nothing to sort by, and Fly's own order stands.
const newestFirst = eachOf(MachineEvent).transform((events) =>
  events.every((event) => event.timestamp !== undefined)
    ? [...events].sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0))
    : events,
);

const MachineFields = z.object({
  id: maybe(z.string().min(1)),
  name: maybe(z.string()).transform((value) => value ?? ""),
  state: maybe(z.string().min(1)),
  region: maybe(z.string()).transform((value) => value ?? ""),
  instance_id: maybe(z.string()).transform((value) => value ?? ""),
  private_ip: maybe(z.string()),
  created_at: maybe(z.string()),
  updated_at: maybe(z.string()),
  /** `ok | unknown | unreachable`. */
  host_status: maybe(z.string()),
  config: maybe(z.record(z.string(), z.unknown())),
  checks: realChecks,
  events: newestFirst,
});

export type Machine = Omit<z.output<typeof MachineFields>, "id"> & { id: string };

/**
 * One machine as `GET /machines/{id}` answers it: the id asked for stands in for a missing one.
 * Every field is optional in the spec, but an answer with neither an id nor a state is not a
 * machine at all (a proxy's page, another API's object): that is a bad answer, not a machine.
 */
export function machineSchemaFor(id: string): z.ZodType<Machine> {
  return MachineFields.refine((machine) => machine.id !== undefined || machine.state !== undefined, {
    error: "the answer has neither an id nor a state: not a machine",
  }).transform((machine) => ({ ...machine, id: machine.id ?? id }));
}

/** A machine with its id (tests and fixtures build machines from plain objects with this). */
export const Machine: z.ZodType<Machine> = MachineFields.refine((machine) => machine.id !== undefined, {
  error: "a machine needs an id",
}).transform((machine) => ({ ...machine, id: machine.id ?? "" }));

/** `GET /machines`: the machines that carry an id; one without cannot be named, so it is left out. */
export const MachineList = eachOf(Machine);

export const StartMachineResponse = z.object({
  message: maybe(z.string()),
  status: maybe(z.string()),
  previous_state: maybe(z.string()),
});
export type StartMachineResponse = z.infer<typeof StartMachineResponse>;

/** The spec documents an empty 200 for a start; fly-go reads a small object. Either is a start. */
export const StartMachineAnswer = z.unknown().transform((body) => StartMachineResponse.safeParse(body).data ?? {});

export const WaitMachineResponse = z.object({
  ok: maybe(z.boolean()),
  state: maybe(z.string()),
  version: maybe(z.string()),
  event_id: maybe(z.string()),
});
export type WaitMachineResponse = z.infer<typeof WaitMachineResponse>;

const LeaseData = z.object({
  nonce: z.string().min(1),
  /** Unix seconds. */
  expires_at: maybe(z.number()),
  owner: maybe(z.string()),
  description: maybe(z.string()),
  version: maybe(z.string()),
});

/**
 * flyctl (fly-go `MachineLease`) reads the envelope `{ status, data: { nonce, … } }`; the spec
 * documents a flat `Lease`. Both are read. The nonce stays required: a lease without one can
 * neither guard the action (every mutating call sends it) nor be released.
 */
export const MachineLease = z.union([z.object({ data: LeaseData }).transform((lease) => lease.data), LeaseData]);
export type MachineLease = z.infer<typeof LeaseData>;

/** States a machine rests in; anything else is on its way somewhere. */
export const PERSISTENT_STATES = ["created", "started", "stopped", "suspended", "failed"] as const;

export function isPersistentState(state: string | undefined): boolean {
  return state !== undefined && (PERSISTENT_STATES as readonly string[]).includes(state);
}

export function machineSnapshot(machine: Machine): MachineSnapshot {
  return {
    id: machine.id,
    name: machine.name,
    state: machine.state ?? "unknown",
    region: machine.region,
    instance_id: machine.instance_id,
  };
}

/** The newest `exit` event's details: tells an autostop or clean exit from a crash. */
export function latestExit(machine: Machine): MachineExitEvent | undefined {
  const exit = machine.events.find((event) => event.type === "exit");
  return exit?.request?.MonitorEvent?.exit_event ?? exit?.request?.exit_event;
}
