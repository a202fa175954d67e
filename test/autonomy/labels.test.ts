import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import { labelShadowDecisions } from "../../src/autonomy";
import { parseConfig } from "../../src/config";
import type { ProbeResult } from "../../src/contracts";
import { fireCycle, probeEnv, seedHealthyWorld } from "../probes/harness";
import {
  clearAutonomyTables,
  consoleLogin,
  envelopes,
  FLY_VAR,
  fixContext,
  flyEnvelope,
  flyWrites,
  ORIGIN,
  recoverOnItsOwn,
  restart,
  rowsOf,
  seedCrashedMachine,
  send,
  withFly,
} from "./helpers";

beforeEach(async () => {
  await seedHealthyWorld();
  await clearAutonomyTables();
});

const MINUTE = 60_000;
/** Cycles run after the decisions, at whole minutes as the cron fires them. */
const cycleAt = (start: number, minutes: number) => Math.ceil(start / MINUTE) * MINUTE + minutes * MINUTE;

/** A crashed machine and the decision shadow mode held back for it. */
async function shadowedDecision(): Promise<{ machine: string; decision_id: string; session: string }> {
  const machine = await seedCrashedMachine();
  const context = fixContext(withFly("shadow"));
  const result = await attemptProbeAutofix(restart(machine), context);
  expect(result.status).toBe("shadowed");
  const [row] = await rowsOf("tool.probe_autofix_attempted", context.caller_session_id);
  if (!row) throw new Error("no decision row");
  return { machine, decision_id: row.id, session: context.caller_session_id };
}

async function labelOf(decisionId: string) {
  const labels = await rowsOf("autofix.shadow_labeled");
  return labels.filter((row) => (row.details as { decision_id?: string }).decision_id === decisionId);
}

describe("labeling shadow decisions from the probe cycle", () => {
  it("labels a machine that stays down `needed` once the label window has passed, not before", async () => {
    const start = Date.now();
    const { machine, decision_id, session } = await shadowedDecision();
    const { env: cycleEnv } = probeEnv({ [FLY_VAR]: "shadow", KORA_SHADOW_LABEL_MINUTES: "10" });

    await fireCycle(cycleEnv, cycleAt(start, 5));
    expect(await labelOf(decision_id)).toEqual([]);

    await fireCycle(cycleEnv, cycleAt(start, 11));
    const [label] = await labelOf(decision_id);
    expect(label).toMatchObject({ caller_session_id: session, source: "cron" });
    expect(label?.details).toMatchObject({
      decision_id,
      probe: "fly",
      target_id: machine,
      label: "needed",
      why: "still_unhealthy",
      label_minutes: 10,
    });
    // Labeling watches; it never fixes.
    expect(await flyWrites()).toEqual([]);
  });

  it("labels a machine that came back by itself `unneeded`, with how long it took", async () => {
    const start = Date.now();
    const { machine, decision_id } = await shadowedDecision();
    await recoverOnItsOwn(machine);

    await fireCycle(probeEnv({ [FLY_VAR]: "shadow" }).env, cycleAt(start, 3));

    const [label] = await labelOf(decision_id);
    expect(label?.details).toMatchObject({ label: "unneeded", why: "recovered", target_id: machine });
    expect((label?.details as { minutes_to_recovery: number }).minutes_to_recovery).toBeGreaterThanOrEqual(3);
  });

  it("labels `needed` when someone fixed it meanwhile, even though it is healthy now", async () => {
    const start = Date.now();
    const { machine, decision_id } = await shadowedDecision();
    // The operator (here an MCP caller with the envelope on) restarts it for real.
    const fix = await attemptProbeAutofix(restart(machine), fixContext(withFly("true"), { source: "mcp" }));
    expect(fix.status).toBe("attempted");

    await fireCycle(probeEnv({ [FLY_VAR]: "shadow" }).env, cycleAt(start, 2));

    const [label] = await labelOf(decision_id);
    expect(label?.details).toMatchObject({ label: "needed", why: "fixed", fixed_by: { source: "mcp" } });
  });

  it("labels each decision once: later cycles and a repeated call add no second row", async () => {
    const start = Date.now();
    const { machine, decision_id } = await shadowedDecision();
    const { env: cycleEnv } = probeEnv({ [FLY_VAR]: "shadow" });
    await fireCycle(cycleEnv, cycleAt(start, 11));
    await fireCycle(cycleEnv, cycleAt(start, 12));
    await fireCycle(cycleEnv, cycleAt(start, 12));

    const unhealthy: ProbeResult[] = [
      {
        probe: "fly",
        target: machine,
        status: "unhealthy",
        observed_at: new Date(cycleAt(start, 13)).toISOString(),
        detail: { summary: "still down" },
      },
    ];
    const again = await labelShadowDecisions(env, parseConfig(env), unhealthy, new Date(cycleAt(start, 13)));

    expect(again).toEqual([]);
    expect(await labelOf(decision_id)).toHaveLength(1);
  });

  it("leaves a decision unlabeled while the probe cannot tell (not probed this cycle)", async () => {
    const start = Date.now();
    const { decision_id } = await shadowedDecision();
    const labeled = await labelShadowDecisions(env, parseConfig(env), [], new Date(cycleAt(start, 30)));
    expect(labeled).toEqual([]);
    expect(await labelOf(decision_id)).toEqual([]);
  });
});

describe("precision on /api/envelopes and the console", () => {
  it("shows 0.5 for one needed and one unneeded decision, with each decision and its incident", async () => {
    const start = Date.now();
    const down = await shadowedDecision();
    const back = await shadowedDecision();
    await recoverOnItsOwn(back.machine);
    const { env: cycleEnv } = probeEnv({ [FLY_VAR]: "shadow", KORA_SHADOW_LABEL_MINUTES: "10" });
    await fireCycle(cycleEnv, cycleAt(start, 11));
    // A decision made after that cycle is still inside its window: counted, not labeled.
    await shadowedDecision();

    const fly = await flyEnvelope(withFly("shadow"));

    expect(fly).toMatchObject({
      mode: "shadow",
      effective: "shadow",
      decisions: 3,
      needed: 1,
      unneeded: 1,
      pending: 1,
      precision: 0.5,
    });
    const byTarget = new Map(fly.last_decisions.map((decision) => [decision.target_id, decision]));
    expect(byTarget.get(down.machine)).toMatchObject({
      label: "needed",
      would_take: "start_machine",
      caller_session_id: down.session,
      incident_url: `/sessions/${encodeURIComponent(down.session)}`,
    });
    expect(byTarget.get(back.machine)).toMatchObject({ label: "unneeded", why: "recovered" });

    const page = await send(
      new Request(`${ORIGIN}/autonomy`, { headers: { cookie: await consoleLogin() }, redirect: "manual" }),
      withFly("shadow"),
    );
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("50% (1 of 2)");
    expect(html).toContain(`/sessions/${encodeURIComponent(down.session)}`);
  });

  it("counts needed and unneeded apart: two needed and one unneeded is 2/3, not 1/3", async () => {
    const start = Date.now();
    await shadowedDecision();
    await shadowedDecision();
    const back = await shadowedDecision();
    await recoverOnItsOwn(back.machine);
    await fireCycle(probeEnv({ [FLY_VAR]: "shadow", KORA_SHADOW_LABEL_MINUTES: "10" }).env, cycleAt(start, 11));

    expect(await flyEnvelope(withFly("shadow"))).toMatchObject({ needed: 2, unneeded: 1, precision: 2 / 3 });
  });

  it("has no precision before the first label, rather than a made-up 0 or 1", async () => {
    await shadowedDecision();
    const fly = (await envelopes(withFly("shadow"))).envelopes.find((envelope) => envelope.probe === "fly");
    expect(fly).toMatchObject({ decisions: 1, needed: 0, unneeded: 0, pending: 1, precision: null });
  });
});
