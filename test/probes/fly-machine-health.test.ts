import { describe, expect, it } from "vitest";
import { Machine } from "../../src/fly/machine";
import { judgeMachine } from "../../src/fly/machine-health";

const NOW = new Date("2026-11-20T10:00:00Z");

function machine(fields: Record<string, unknown>): Machine {
  return Machine.parse({ id: "148e21ea7d9089", state: "started", ...fields });
}

function exitEvent(exit: Record<string, unknown>, type = "exit") {
  return { type, status: "stopped", source: "flyd", timestamp: 1_000, request: { exit_event: exit } };
}

describe("the Fly machine rule", () => {
  it.each([
    [
      "autostop (requested stop)",
      { state: "stopped", events: [exitEvent({ exit_code: 0, requested_stop: true })] },
      "healthy",
      "requested_stop",
    ],
    [
      "a clean exit on its own",
      { state: "stopped", events: [exitEvent({ exit_code: 0, requested_stop: false })] },
      "healthy",
      "clean_exit",
    ],
    [
      "a crash",
      { state: "stopped", events: [exitEvent({ exit_code: 1, requested_stop: false })] },
      "unhealthy",
      "crashed",
    ],
    [
      "an OOM kill, even if requested",
      { state: "stopped", events: [exitEvent({ exit_code: 137, oom_killed: true, requested_stop: true })] },
      "unhealthy",
      "oom_killed",
    ],
    ["a failed machine", { state: "failed" }, "unhealthy", "failed"],
    [
      "a started machine with a critical check",
      { checks: [{ name: "servicecheck-00-http-8080", status: "critical" }] },
      "unhealthy",
      "checks_failing",
    ],
    [
      "a started machine with a warning check",
      { checks: [{ name: "alive", status: "warning" }] },
      "healthy",
      "running",
    ],
    [
      "flaps' synthetic compat check",
      { checks: [{ name: "bg_deployments_compat_1", status: "critical" }] },
      "healthy",
      "running",
    ],
    ["a stop with no explanation", { state: "stopped", events: [] }, "unhealthy", "stopped_unexplained"],
    ["a standby machine", { state: "stopped", config: { standbys: ["3d8d9e3c2e6189"] } }, "healthy", "standby"],
    [
      "a machine starting a minute ago",
      { state: "starting", updated_at: "2026-11-20T09:59:00Z" },
      "healthy",
      "transitioning",
    ],
    [
      "a machine stuck starting for six minutes",
      { state: "starting", updated_at: "2026-11-20T09:54:00Z" },
      "unhealthy",
      "wedged",
    ],
  ])("%s", (_name, fields, status, reason) => {
    expect(judgeMachine(machine(fields), NOW)).toEqual({ status, reason });
  });

  it("judges by the newest exit, not an older crash", () => {
    const events = [
      { ...exitEvent({ exit_code: 0, requested_stop: true }), timestamp: 2_000 },
      { ...exitEvent({ exit_code: 1 }), timestamp: 1_000 },
    ];
    expect(judgeMachine(machine({ state: "stopped", events }), NOW).status).toBe("healthy");
  });
});
