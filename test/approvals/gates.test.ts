import { beforeEach, describe, expect, it } from "vitest";
import { getApproval } from "../../src/approvals/store";
import { world } from "../world";
import {
  auditRows,
  flyMutations,
  incidentAwaitingApproval,
  kora,
  latestPost,
  machineId,
  postInteraction,
  press,
  PROD,
  seams,
} from "./harness";
import { seedAuditRow } from "../audit-seed.ts";

let target: string;
beforeEach(async () => {
  await world.reset();
  target = machineId();
  await world.fly.machines([{ app: PROD, id: target, state: "stopped" }]);
});

/**
 * An approval stands in for gate 2 and nothing else. Each approval below is stored as a bug or a
 * tampered row might hold it (the offer itself would never write it); the click still ends in
 * the gate's refusal, recorded in the attempt's row, with no mutating call to Fly.
 */
async function approveAndReadAttempt(options: Parameters<typeof incidentAwaitingApproval>[0]) {
  const incident = await incidentAwaitingApproval({ ...options, raw: true });
  expect((await postInteraction(await press(incident.post, incident.approve))).status).toBe(200);
  expect(await seams(incident.session)).toEqual(["operator.fix_approved", "tool.probe_autofix_attempted"]);
  const [attempt] = await auditRows(incident.session, "tool.probe_autofix_attempted");
  const approval = await getApproval(kora.DB, incident.approval.id);
  return { incident, attempt: attempt?.details, approval };
}

describe("an approval never skips gates 1, 3, 4 or 5", () => {
  it("gate 1: an unknown probe is refused", async () => {
    const { attempt, approval } = await approveAndReadAttempt({ target, fix: { probe: "kubernetes" } });
    expect(attempt).toMatchObject({ status: "rejected", rejection_reason: "unknown_probe", approved_by: "U0OPERATOR" });
    expect(approval?.outcome).toBe("fix_rejected");
    expect(await flyMutations()).toEqual([]);
  });

  it("gate 3: an action outside the envelope is refused", async () => {
    const { attempt } = await approveAndReadAttempt({ target, fix: { action: "destroy_machine" } });
    expect(attempt).toMatchObject({ status: "rejected", rejection_reason: "action_not_allowed" });
    expect(await flyMutations()).toEqual([]);
  });

  it("gate 4: a malformed target id is refused", async () => {
    const { attempt, incident } = await approveAndReadAttempt({ target: `${target}/../other` });
    expect(attempt).toMatchObject({ status: "rejected", rejection_reason: "invalid_target_id" });
    expect(await flyMutations()).toEqual([]);
    expect(await world.requests({ provider: "fly" })).toEqual([]);
    expect((await latestPost(incident.post.ts))?.text).toMatch(/refused before anything changed: `invalid_target_id`/);
  });

  it("gate 5: a machine that is already started is refused", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "started" }]);
    const { attempt } = await approveAndReadAttempt({ target });
    expect(attempt).toMatchObject({ status: "rejected", rejection_reason: "target_already_started" });
    expect(await flyMutations()).toEqual([]);
  });

  it("gate 5: a machine leased by a deploy is refused", async () => {
    await world.fly.lease(target, "deploy@example.com");
    const { attempt } = await approveAndReadAttempt({ target });
    expect(attempt).toMatchObject({ status: "rejected", rejection_reason: "target_busy" });
    expect(await flyMutations()).toEqual([]);
  });

  it("gate 5: a machine out of restart budget is refused", async () => {
    for (let i = 0; i < 3; i++) {
      await seedAuditRow(kora, {
        seam: "tool.probe_autofix_attempted",
        caller_session_id: `wake:earlier-${i}`,
        source: "reasoning",
        details: { probe: "fly", target_id: target, status: "attempted", action_taken: "start_machine" },
      });
    }
    const { attempt } = await approveAndReadAttempt({ target });
    expect(attempt).toMatchObject({ status: "rejected", rejection_reason: "restart_budget_exhausted" });
    expect(await flyMutations()).toEqual([]);
  });
});
