import type { FlyError } from "../fly/client";
import { machineSnapshot, type Machine } from "../fly/machine";

/** What the model needs of a machine: state and health, not its whole config. */
export function machineSummary(machine: Machine) {
  return {
    ...machineSnapshot(machine),
    updated_at: machine.updated_at ?? null,
    checks: machine.checks.map((check) => ({ name: check.name, status: check.status })),
  };
}

export function flyErrorContent(app: string, error: FlyError) {
  return { app, error: { kind: error.kind, message: error.message } };
}
