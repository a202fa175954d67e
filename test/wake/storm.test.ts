import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { world } from "../world";
import { anthropicStats } from "./helpers";
import { ENVELOPE_ON, incidentRow, posts, seamRows, startIncidentWorld, textOf } from "./incident-harness";

const STORM = Array.from({ length: 6 }, (_, i) => `5a0${String(i).padStart(11, "0")}`);

/** The model restarts every machine of the storm in one turn, then writes its summary. */
async function scriptRestartEach(opening: string, summary: string): Promise<void> {
  await world.anthropic.script([
    {
      content: [
        { type: "text", text: opening },
        ...STORM.map((id) => ({
          type: "tool_use",
          name: "kora__attempt_probe_autofix",
          input: { probe: "fly", action: "restart_machine", target_id: id, reason: "crashed with the others in fra" },
        })),
      ],
    },
    { content: [{ type: "text", text: summary }], stop_reason: "end_turn" },
  ]);
}

describe("a storm: six machines of one app crash in the same minute", () => {
  it("is one wake, one investigation that sees all six, one DM naming every target and every fix", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    await world.fly.machines(STORM.map((id) => ({ app: "kora-web", id, region: "fra" })));
    await scriptRestartEach(
      "Six machines in fra crashed together; restarting each inside the envelope.",
      "All six share region fra and the same image; all six recovered.",
    );
    for (const id of STORM) await world.fly.crash(id, { exit_code: 1 });

    await kora.cycle(0, 1);
    const wakes = await kora.deliverNew();

    expect(wakes).toHaveLength(1);
    const [wake] = wakes;
    expect(wake?.targets.map((t) => t.target).sort()).toEqual(STORM);
    const session = wake?.caller_session_id ?? "";
    expect(await seamRows(session, "probe.investigation_completed")).toHaveLength(1);
    // The model's first turn already had all six in front of it.
    const [firstTurn] = await world.requests({ provider: "anthropic" });
    for (const id of STORM) expect(firstTurn?.body).toContain(id);
    expect((await anthropicStats()).requests).toBe(2);

    const [dm, ...more] = await posts();
    expect(more).toEqual([]);
    const said = textOf(dm);
    for (const id of STORM) expect(said).toContain(`\`${id}\``);
    expect(said).toContain("6 targets unhealthy");
    expect(said.match(/attempted, outcome \*recovered\*/g)).toHaveLength(6);
    expect(said).toContain("All six share region fra");
    expect(dm?.text).toContain("6 fixes tried, 6 recovered");
    expect(await seamRows(session, "tool.probe_autofix_attempted")).toHaveLength(6);
    expect(await incidentRow(session)).toMatchObject({ status: "open", fixes: 6, operator_asked: 0 });
  });

  it("with a fleet budget of 4: still one wake and one DM, exactly four restarts, the other two refused", async () => {
    const kora = await startIncidentWorld({ ...ENVELOPE_ON, KORA_AUTOFIX_MAX_FLEET_RESTARTS: "4" });
    await world.fly.machines(STORM.map((id) => ({ app: "kora-web", id, region: "fra" })));
    await scriptRestartEach(
      "Six machines in fra crashed together; restarting each inside the envelope.",
      "Four restarted; the fleet budget held the other two.",
    );
    for (const id of STORM) await world.fly.crash(id, { exit_code: 1 });

    await kora.cycle(0, 1);
    const wakes = await kora.deliverNew();

    expect(wakes).toHaveLength(1);
    const session = wakes[0]?.caller_session_id ?? "";
    const attempts = await seamRows(session, "tool.probe_autofix_attempted");
    expect(attempts.filter((row) => row.status === "attempted")).toHaveLength(4);
    expect(attempts.filter((row) => row.rejection_reason === "fleet_budget_exhausted")).toHaveLength(2);
    const starts = (await world.requests({ provider: "fly", mutating: true })).filter((r) => r.path.endsWith("/start"));
    expect(starts).toHaveLength(4);
    expect(await posts()).toHaveLength(1);
  });

  it("shows a storm of a hundred within Slack's limits: every section under 3,000 characters, the list collapsed", async () => {
    const kora = await startIncidentWorld();
    const fleet = Array.from({ length: 100 }, (_, i) => `9b0${String(i).padStart(11, "0")}`);
    await world.fly.machines(fleet.map((id) => ({ app: "kora-web", id })));
    for (const id of fleet) await world.fly.crash(id, { exit_code: 137 });
    await kora.cycle(0, 1);
    const [wake] = await kora.deliverNew();

    expect(wake?.targets).toHaveLength(100);
    const [dm] = await posts();
    const blocks = (dm?.blocks ?? []) as { text?: { text?: string } }[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const block of blocks) expect(block.text?.text?.length ?? 0).toBeLessThanOrEqual(3_000);
    expect(JSON.stringify(blocks).length).toBeLessThan(13_000);
    expect(textOf(dm)).toMatch(/…and \d+ more targets/);
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM incident_targets WHERE incident_id = ?1")
      .bind(wake?.caller_session_id)
      .first<{ n: number }>();
    expect(stored?.n).toBe(100);
  });
});
