import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import type { ToolContext } from "../../src/contracts";
import { getProbeStatusTool } from "../../src/tools/get-probe-status";
import { seedProbeState, seedTransitions } from "../console/seed-tables";

const TARGET = "3d8d9e1a2b4c68";
const ctx = (): ToolContext => ({
  env,
  config: parseConfig(env),
  caller_session_id: "mcp:test:1",
  source: "mcp",
  now: () => new Date("2026-11-05T12:00:00.000Z"),
});

beforeAll(async () => {
  await seedProbeState("fly", TARGET, "unhealthy", "2026-11-05T11:59:00.000Z");
  await seedTransitions("fly", TARGET, [
    ["2026-11-03T08:00:00.000Z", null, "healthy"],
    ["2026-11-05T10:00:00.000Z", "healthy", "unhealthy", "machine stopped (exit 137)"],
    ["2026-11-05T10:12:00.000Z", "unhealthy", "healthy"],
    ["2026-11-05T11:58:00.000Z", "healthy", "unhealthy", "machine stopped (exit 1)"],
  ]);
});

describe("kora__get_probe_status", () => {
  it("gives one target's history as its recent status changes, newest first", async () => {
    const input = getProbeStatusTool.input.parse({ probe: "fly", target: TARGET, history: 3 });
    const result = await getProbeStatusTool.run(input, ctx());
    const content = result.content as {
      targets: { target: string; last_status: string }[];
      history: { at: string; from_status: string | null; to_status: string; detail: { summary: string } }[];
    };
    expect(content.targets.map((row) => [row.target, row.last_status])).toEqual([[TARGET, "unhealthy"]]);
    expect(content.history.map((row) => [row.at, row.from_status, row.to_status])).toEqual([
      ["2026-11-05T11:58:00.000Z", "healthy", "unhealthy"],
      ["2026-11-05T10:12:00.000Z", "unhealthy", "healthy"],
      ["2026-11-05T10:00:00.000Z", "healthy", "unhealthy"],
    ]);
    expect(content.history[0]?.detail.summary).toBe("machine stopped (exit 1)");
  });

  it("says in its description that history is transitions", () => {
    expect(getProbeStatusTool.description).toContain("status changes");
    expect(getProbeStatusTool.input.shape.history.description).toContain("transitions");
  });
});
