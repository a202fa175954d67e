import { describe, expect, it } from "vitest";
import { buttonsOf } from "../fakes/slack-interactions.ts";
import { postInteraction, press } from "../approvals/harness";
import { world } from "../world";
import { getIncident } from "../../src/incidents";
import { recordInvestigationOnIncident } from "../../src/wake/after-investigation";
import {
  ENVELOPE_ON,
  flyMutationCount,
  incidentRow,
  MACHINE,
  modelRequests,
  posts,
  restoreMachine,
  seamRows,
  startIncidentWorld,
  textOf,
} from "./incident-harness";

describe("an incident Kora fixed", () => {
  it("is resolved by kora_fix after 3 healthy cycles: the root DM is edited in place and nothing new is posted", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    await world.fly.crash(MACHINE);
    await kora.cycle(0, 1);
    const [wake] = await kora.deliverNew();
    if (!wake) throw new Error("no wake");
    const [root] = await posts();
    expect(textOf(root)).toContain("recovered");

    await kora.cycle(2, 3);
    expect((await incidentRow(wake.caller_session_id))?.status).toBe("open");
    await kora.cycle(4);

    expect(await incidentRow(wake.caller_session_id)).toMatchObject({
      status: "resolved",
      resolved_by: "kora_fix",
      first_unhealthy_at: kora.iso(0),
      recovered_at: kora.iso(2),
      resolved_at: kora.iso(4),
      fixes: 1,
      root_dm_ts: root?.ts,
    });
    const [resolved, ...more] = await seamRows(wake.caller_session_id, "probe.incident_resolved");
    expect(more).toEqual([]);
    expect(resolved).toMatchObject({ resolved_by: "kora_fix", duration_ms: 2 * 60_000, targets: [MACHINE] });

    const slack = await posts();
    expect(slack).toHaveLength(1);
    expect(slack[0]?.updates).toHaveLength(1);
    expect(slack[0]?.text).toMatch(/^Resolved: .* down for 2 min .*fixed by Kora/);
    expect(JSON.stringify(slack[0]?.blocks)).toContain("*Resolved*");

    // A re-fired minute and the cycles after it change nothing.
    await kora.cycle(4, 5, 6);
    expect(await seamRows(wake.caller_session_id, "probe.incident_resolved")).toHaveLength(1);
    expect((await posts())[0]?.updates).toHaveLength(1);
  });
});

describe("a machine that crashes again after Kora's fix", () => {
  it("escalates once, in the incident's thread, without the model or a fix; later down cycles add nothing", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    await world.fly.crash(MACHINE);
    await kora.cycle(0, 1);
    const [wake] = await kora.deliverNew();
    if (!wake) throw new Error("no wake");
    await kora.cycle(2, 3);

    await world.fly.crash(MACHINE);
    const mutations = await flyMutationCount();
    const modelCalls = await modelRequests();
    await kora.cycle(4, 5);
    const [followUp, ...others] = await kora.deliverNew();
    expect(others).toEqual([]);
    expect(followUp).toMatchObject({ kind: "refailure", caller_session_id: wake.caller_session_id, target: MACHINE });

    const [root, reply, ...extra] = await posts();
    expect(extra).toEqual([]);
    expect(reply).toMatchObject({ thread_ts: root?.ts, reply_broadcast: true, channel: root?.channel });
    expect(textOf(reply)).toMatch(/failed again/);
    expect(textOf(reply)).toMatch(/after Kora's start_machine on 148e21ea7d9089/);
    expect(textOf(reply)).toContain("Fixes so far: 1");
    expect(textOf(reply)).toMatch(/Restart budget left this hour: .*2 of 3/);
    expect(buttonsOf(reply?.blocks ?? null).map((b) => b.text)).toEqual(["Approve", "Dismiss"]);
    expect(await flyMutationCount()).toBe(mutations);
    expect(await modelRequests()).toBe(modelCalls);
    const escalations = await seamRows(wake.caller_session_id, "probe.incident_escalated");
    expect(escalations).toEqual([expect.objectContaining({ reason: "refailed_after_fix", reopened: false, fixes: 1 })]);
    expect(await incidentRow(wake.caller_session_id)).toMatchObject({ status: "escalated", operator_asked: 1 });

    // Still down, and the same follow-up delivered again: nothing new anywhere.
    await kora.cycle(6, 7, 8);
    expect(await kora.deliverNew()).toEqual([]);
    await kora.redeliver(followUp!);
    expect(await posts()).toHaveLength(2);
    expect(await seamRows(wake.caller_session_id, "probe.incident_escalated")).toHaveLength(1);
    expect(await flyMutationCount()).toBe(mutations);
  });

  it("fails a second time while escalated: the alert is edited with a note, nothing new is posted or escalated", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    const session = (await kora.fixThenRecrash()).caller_session_id;
    await kora.deliverNew();
    expect(await posts()).toHaveLength(2);

    await restoreMachine();
    await kora.cycle(5);
    await world.fly.crash(MACHINE);
    await kora.cycle(6, 7);
    const [again, ...others] = await kora.deliverNew();
    expect(others).toEqual([]);
    expect(again).toMatchObject({ kind: "refailure", caller_session_id: session });

    const [, alert, ...extra] = await posts();
    expect(extra).toEqual([]);
    expect(alert?.updates).toHaveLength(1);
    expect(JSON.stringify(alert?.updates[0]?.blocks)).toContain("Still escalated");
    expect(await seamRows(session, "probe.incident_escalated")).toHaveLength(1);
    expect(await incidentRow(session)).toMatchObject({ status: "escalated", escalation_reason: "refailed_after_fix" });
  });

  it("after the operator's Approve starts it, resolves as operator_fix with the root edited and one reply saying it is over", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    await world.fly.crash(MACHINE);
    await kora.cycle(0, 1);
    const [wake] = await kora.deliverNew();
    await kora.cycle(2);
    await world.fly.crash(MACHINE);
    await kora.cycle(3, 4);
    await kora.deliverNew();
    const [root, reply] = await posts();
    const approve = buttonsOf(reply?.blocks ?? null).find((b) => b.text === "Approve");
    if (!reply || !approve) throw new Error("no Approve button on the escalation");

    expect((await postInteraction(await press(reply, approve), kora.env)).status).toBe(200);
    await kora.cycle(5, 6, 7);

    const session = wake?.caller_session_id ?? "";
    expect(await incidentRow(session)).toMatchObject({ status: "resolved", resolved_by: "operator_fix", fixes: 2 });
    const slack = await posts();
    expect(slack).toHaveLength(3);
    const over = slack[2];
    expect(over).toMatchObject({ thread_ts: root?.ts, reply_broadcast: false });
    expect(over?.text).toMatch(/Resolved: .*fixed by the operator's approved fix/);
    expect(slack[0]?.text).toMatch(/^Resolved:/);
  });

  it("recovering on its own after the re-failure resolves as self: Kora's earlier fix did not end it", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    const session = (await kora.fixThenRecrash()).caller_session_id;
    await kora.deliverNew();

    await restoreMachine();
    await kora.cycle(5, 6, 7);
    expect(await incidentRow(session)).toMatchObject({ status: "resolved", resolved_by: "self", fixes: 1 });
    expect(await seamRows(session, "probe.incident_resolved")).toEqual([
      expect.objectContaining({ resolved_by: "self", escalated: true }),
    ]);
  });

  it("re-opens a resolved incident when it fails again within the cool-down, same session, as an escalation", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    await world.fly.crash(MACHINE);
    await kora.cycle(0, 1);
    const [wake] = await kora.deliverNew();
    await kora.cycle(2, 3, 4);
    const session = wake?.caller_session_id ?? "";
    expect((await incidentRow(session))?.status).toBe("resolved");

    await world.fly.crash(MACHINE);
    await kora.cycle(10, 11);
    const [followUp] = await kora.deliverNew();
    expect(followUp).toMatchObject({ kind: "refailure", caller_session_id: session });
    expect(await incidentRow(session)).toMatchObject({ status: "escalated", resolved_at: null, resolved_by: null });
    expect(await seamRows(session, "probe.incident_escalated")).toEqual([
      expect.objectContaining({ reason: "refailed_after_fix", reopened: true }),
    ]);
    const [root, reply] = await posts();
    expect(reply).toMatchObject({ thread_ts: root?.ts, reply_broadcast: true });
    expect(textOf(reply)).toContain("it is open again");
  });
});

describe("a machine Kora could not fix", () => {
  it(
    "in a crash loop, escalates with fix_not_recovered and then stays quiet while it stays down",
    { timeout: 60_000 },
    async () => {
      const kora = await startIncidentWorld(ENVELOPE_ON);
      await world.fly.machines([{ app: "kora-web", id: MACHINE, start_outcome: "stopped" }]);
      await world.fly.crash(MACHINE);
      await kora.cycle(0, 1);
      const [wake] = await kora.deliverNew();
      const session = wake?.caller_session_id ?? "";

      const [fix] = await seamRows(session, "tool.probe_autofix_attempted");
      expect(fix).toMatchObject({ status: "attempted", outcome: "not_recovered" });
      expect(await seamRows(session, "probe.incident_escalated")).toEqual([
        expect.objectContaining({ reason: "fix_not_recovered", targets: [MACHINE], dm_status: null }),
      ]);
      expect(await incidentRow(session)).toMatchObject({ status: "escalated", escalation_reason: "fix_not_recovered" });
      expect(textOf((await posts())[0])).toContain("did not come back");

      await kora.cycle(2, 3, 4, 5);
      expect(await kora.deliverNew()).toEqual([]);
      expect(await posts()).toHaveLength(1);

      // Back on its own: the restart that did not hold ended nothing.
      await restoreMachine();
      await kora.cycle(6, 7, 8);
      expect(await incidentRow(session)).toMatchObject({ status: "resolved", resolved_by: "self" });
    },
  );

  it("a fix whose outcome is unknown (the bound ran out) escalates with fix_not_recovered too", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    await world.fly.crash(MACHINE);
    await kora.cycle(0, 1);
    const [wake] = kora.queue.messages.map((body) => body as Parameters<typeof recordInvestigationOnIncident>[2]);
    const incident = await getIncident(kora.env.DB, wake?.caller_session_id ?? "");
    if (!wake || !incident) throw new Error("no incident");
    const unknown = {
      probe: "fly",
      action: "restart_machine",
      target_id: MACHINE,
      reason_from_reasoning: "crashed",
      status: "attempted" as const,
      action_taken: "start_machine" as const,
      outcome: "unknown" as const,
    };
    const undelivered = {
      dm_status: "failed_send" as const,
      delivered: false,
      channel: null,
      slack_ts: null,
      error: null,
      repeated: false,
    };
    await recordInvestigationOnIncident(kora.env, incident, wake, [unknown], undelivered);

    expect(await seamRows(incident.id, "probe.incident_escalated")).toEqual([
      expect.objectContaining({ reason: "fix_not_recovered", targets: [MACHINE] }),
    ]);
    expect(await incidentRow(incident.id)).toMatchObject({
      status: "escalated",
      escalation_reason: "fix_not_recovered",
    });
  });

  it("with its envelope off, recovered on its own: resolved as self, the root edited without its buttons, one thread reply", async () => {
    const kora = await startIncidentWorld();
    await world.fly.crash(MACHINE);
    await kora.cycle(0, 1);
    const [wake] = await kora.deliverNew();
    const session = wake?.caller_session_id ?? "";
    const [asked] = await posts();
    expect(buttonsOf(asked?.blocks ?? null).map((b) => b.text)).toEqual(["Approve", "Dismiss"]);
    expect((await incidentRow(session))?.operator_asked).toBe(1);

    await restoreMachine();
    await kora.cycle(2, 3, 4);

    expect(await incidentRow(session)).toMatchObject({ status: "resolved", resolved_by: "self", fixes: 0 });
    const [root, reply, ...extra] = await posts();
    expect(extra).toEqual([]);
    expect(root?.updates).toHaveLength(1);
    expect(root?.text).toMatch(/^Resolved: .*recovered on its own/);
    expect(buttonsOf(root?.blocks ?? null)).toEqual([]);
    expect(reply).toMatchObject({ thread_ts: root?.ts, reply_broadcast: false });
    expect(reply?.text).toContain("recovered on its own");
  });
});

describe("a flapping machine", () => {
  it("crashed and started every minute for 8 cycles: one wake, one DM, one flapping escalation, no fix", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    await kora.cycle(0);
    const mutations = await flyMutationCount();
    for (let n = 1; n <= 8; n++) {
      if (n % 2 === 1) await world.fly.crash(MACHINE);
      else await restoreMachine();
      await kora.cycle(n);
      await kora.deliverNew();
    }

    expect(kora.queue.messages).toHaveLength(1);
    const session = (kora.queue.messages[0] as { caller_session_id: string }).caller_session_id;
    expect(kora.queue.messages[0]).toMatchObject({ kind: "flapping", target: MACHINE });
    const slack = await posts();
    expect(slack).toHaveLength(1);
    expect(slack[0]).toMatchObject({ thread_ts: null });
    expect(textOf(slack[0])).toMatch(/is flapping/);
    expect(await seamRows(session, "probe.incident_escalated")).toEqual([
      expect.objectContaining({ reason: "flapping" }),
    ]);
    expect(await seamRows(session, "tool.probe_autofix_attempted")).toEqual([]);
    expect(await flyMutationCount()).toBe(mutations);
    expect(await modelRequests()).toBe(0);
  });

  it("wakes as flapping on exactly the KORA_FLAP_CHANGES-th change (default 4), not one later", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    await world.fly.crash(MACHINE);
    await kora.cycle(0);
    for (let n = 1; n <= 4; n++) {
      if (n % 2 === 0) await world.fly.crash(MACHINE);
      else await restoreMachine();
      await kora.cycle(n);
    }
    expect(kora.queue.messages).toEqual([
      expect.objectContaining({ kind: "flapping", targets: [expect.objectContaining({ status_changes: 4 })] }),
    ]);
  });

  it("one change short of KORA_FLAP_CHANGES is not flapping: it wakes as an ordinary wake", async () => {
    const kora = await startIncidentWorld(ENVELOPE_ON);
    await kora.cycle(0);
    await world.fly.crash(MACHINE);
    await kora.cycle(1);
    await restoreMachine();
    await kora.cycle(2);
    await world.fly.crash(MACHINE);
    await kora.cycle(3, 4);
    expect(kora.queue.messages).toEqual([expect.objectContaining({ kind: "wake", target: MACHINE })]);
  });
});
