import { beforeEach, describe, expect, it } from "vitest";
import { getApproval } from "../../src/approvals/store";
import { listDmLogForSession } from "../../src/audit/dm-log";
import { buttonsOf } from "../fakes/slack-interactions.ts";
import { world } from "../world";
import {
  auditRows,
  flyMutations,
  incidentAwaitingApproval,
  kora,
  latestPost,
  machineId,
  OPERATOR,
  postInteraction,
  press,
  PROD,
  seams,
} from "./harness";

let target: string;
beforeEach(async () => {
  await world.reset();
  target = machineId();
  await world.fly.machines([{ app: PROD, id: target, state: "stopped" }]);
});

describe("the operator approves a fix the envelope did not allow", () => {
  it("starts the machine, records the decision and the attempt, and rewrites the DM", async () => {
    expect(kora.KORA_PROBE_AUTOFIX_FLY_ENABLED).toBe("false");
    const incident = await incidentAwaitingApproval({ target });

    const response = await postInteraction(await press(incident.post, incident.approve));

    expect(response.status).toBe(200);
    expect(await flyMutations()).toEqual([`POST /v1/apps/${PROD}/machines/${target}/start`]);
    expect(await seams(incident.session)).toEqual(["operator.fix_approved", "tool.probe_autofix_attempted"]);
    const [approved] = await auditRows(incident.session, "operator.fix_approved");
    expect(approved).toMatchObject({
      source: "operator",
      details: { approval_id: incident.approval.id, approved_by: OPERATOR, probe: "fly", target_id: target },
    });
    const [attempt] = await auditRows(incident.session, "tool.probe_autofix_attempted");
    expect(attempt).toMatchObject({
      source: "operator",
      details: {
        status: "attempted",
        outcome: "recovered",
        action_taken: "start_machine",
        approved_by: OPERATOR,
        approval_id: incident.approval.id,
        reason_from_reasoning: incident.approval.reason,
      },
    });
    expect(await getApproval(kora.DB, incident.approval.id)).toMatchObject({
      decided_by: OPERATOR,
      outcome: "fix_attempted",
    });

    const post = await latestPost(incident.post.ts);
    expect(post?.updates).toHaveLength(1);
    expect(post?.text).toMatch(/Approved by <@U0OPERATOR>.*recovered/s);
    expect(buttonsOf(post?.blocks ?? null)).toEqual([]);
    expect(JSON.stringify(post?.blocks)).toContain("crashed (exit code 1)");
    const dms = await listDmLogForSession(kora.DB, incident.session);
    expect(dms.map((dm) => [dm.kind, dm.dm_status])).toEqual([
      ["investigation", "sent"],
      ["approval_update", "sent"],
    ]);
  });

  it("reports a fix that did not bring the machine back as not recovered", async () => {
    await world.fly.machines([{ app: PROD, id: target, state: "stopped", start_outcome: "stopped" }]);
    const incident = await incidentAwaitingApproval({ target });
    await postInteraction(await press(incident.post, incident.approve));
    const [attempt] = await auditRows(incident.session, "tool.probe_autofix_attempted");
    expect(attempt?.details).toMatchObject({ status: "attempted", outcome: "not_recovered" });
    expect((await latestPost(incident.post.ts))?.text).toMatch(/not recovered/);
  });
});

describe("the operator dismisses", () => {
  it("changes nothing on Fly, records the dismissal, and a later Approve is refused", async () => {
    const incident = await incidentAwaitingApproval({ target });

    expect((await postInteraction(await press(incident.post, incident.dismiss))).status).toBe(200);
    expect(await flyMutations()).toEqual([]);
    expect(await seams(incident.session)).toEqual(["operator.fix_dismissed"]);
    expect(await getApproval(kora.DB, incident.approval.id)).toMatchObject({ outcome: "dismissed" });
    const post = await latestPost(incident.post.ts);
    expect(post?.text).toMatch(/Dismissed by <@U0OPERATOR>.*Nothing was changed/s);
    expect(buttonsOf(post?.blocks ?? null)).toEqual([]);

    await postInteraction(await press(incident.post, incident.approve));
    expect(await flyMutations()).toEqual([]);
    const [refused] = await auditRows(incident.session, "operator.approval_refused");
    expect(refused?.details).toMatchObject({ refusal_reason: "already_decided", decision: "approve" });
  });
});
