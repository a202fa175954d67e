import { beforeEach, describe, expect, it } from "vitest";
import { newApprovalId } from "../../src/approvals/model";
import { getApproval } from "../../src/approvals/store";
import { buttonsOf } from "../fakes/slack-interactions.ts";
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
  type AwaitingIncident,
} from "./harness";

let target: string;
let incident: AwaitingIncident;
beforeEach(async () => {
  await world.reset();
  target = machineId();
  await world.fly.machines([{ app: PROD, id: target, state: "stopped" }]);
  incident = await incidentAwaitingApproval({ target });
});

const START = () => `POST /v1/apps/${PROD}/machines/${target}/start`;

async function refusals(session = incident.session) {
  return (await auditRows(session, "operator.approval_refused")).map((row) => row.details);
}

describe("clicks that must not run a fix", () => {
  it("refuses someone other than the operator, audits it, and leaves the DM and approval alone", async () => {
    const response = await postInteraction(await press(incident.post, incident.approve, { user_id: "U0STRANGER" }));
    expect(response.status).toBe(200);
    expect(await flyMutations()).toEqual([]);
    expect(await refusals()).toEqual([
      expect.objectContaining({
        refusal_reason: "not_operator",
        slack_user_id: "U0STRANGER",
        refusal_detail: { user_id: "U0STRANGER", operator_configured: true },
      }),
    ]);
    expect((await latestPost(incident.post.ts))?.updates).toEqual([]);
    expect((await getApproval(kora.DB, incident.approval.id))?.decided_at).toBeNull();

    // The operator's own click still works afterwards.
    await postInteraction(await press(incident.post, incident.approve));
    expect(await flyMutations()).toEqual([START()]);
  });

  it("refuses a second click: one fix, one refusal saying it was already used, DM says so", async () => {
    await postInteraction(await press(incident.post, incident.approve));
    await postInteraction(await press(incident.post, incident.approve));

    expect(await flyMutations()).toEqual([START()]);
    expect(await auditRows(incident.session, "tool.probe_autofix_attempted")).toHaveLength(1);
    expect(await refusals()).toEqual([
      expect.objectContaining({
        refusal_reason: "already_decided",
        refusal_detail: expect.objectContaining({ decided_by: "U0OPERATOR" }),
      }),
    ]);
    expect((await latestPost(incident.post.ts))?.text).toMatch(/already used by <@U0OPERATOR>/);
  });

  it("refuses a replayed request, and a replay of the replay adds no second row", async () => {
    const signed = await press(incident.post, incident.approve);
    await postInteraction(signed);
    await postInteraction(signed);
    await postInteraction(signed);

    expect(await flyMutations()).toEqual([START()]);
    expect(await seams(incident.session)).toEqual([
      "operator.fix_approved",
      "tool.probe_autofix_attempted",
      "operator.approval_refused",
    ]);
  });

  it("refuses an expired approval and takes its buttons off the DM", async () => {
    const old = await incidentAwaitingApproval({ target, createdAt: new Date(Date.now() - 61 * 60_000) });
    await postInteraction(await press(old.post, old.approve));

    expect(await flyMutations()).toEqual([]);
    expect(await refusals(old.session)).toEqual([
      expect.objectContaining({ refusal_reason: "expired", refusal_detail: { expires_at: old.approval.expires_at } }),
    ]);
    const post = await latestPost(old.post.ts);
    expect(post?.text).toMatch(/expired/);
    expect(buttonsOf(post?.blocks ?? null)).toEqual([]);
  });

  it("refuses an approval id Kora never issued, in the timeline of the DM it was pressed on", async () => {
    for (const value of [newApprovalId(), "../../approvals/*", "x".repeat(2_000)]) {
      await postInteraction(await press(incident.post, { ...incident.approve, value }));
    }
    expect(await flyMutations()).toEqual([]);
    const rows = await refusals();
    expect(rows.map((row) => row.refusal_reason)).toEqual(["unknown_approval", "unknown_approval", "unknown_approval"]);
    expect(rows.map((row) => row.refusal_detail)).toEqual([
      { well_formed: true },
      { well_formed: false },
      { well_formed: false },
    ]);
    // The real buttons stay: the genuine approval is still the operator's to use.
    const post = await latestPost(incident.post.ts);
    expect(post?.text).toMatch(/does not match any approval/);
    expect(buttonsOf(post?.blocks ?? null).map((b) => b.value)).toEqual([incident.approval.id, incident.approval.id]);
    expect((await getApproval(kora.DB, incident.approval.id))?.decided_at).toBeNull();
  });

  it("refuses a click whose payload names a different target than its approval", async () => {
    const other = machineId();
    await world.fly.machines([{ app: PROD, id: other, state: "stopped" }]);
    const moved = { ...incident.approve, block_id: incident.approve.block_id.replace(target, other) };
    expect(moved.block_id).toContain(other);

    await postInteraction(await press(incident.post, moved));

    expect(await flyMutations()).toEqual([]);
    expect(await refusals()).toEqual([
      expect.objectContaining({
        refusal_reason: "target_mismatch",
        refusal_detail: {
          clicked: { probe: "fly", action: "restart_machine", target_id: other },
          approved: { probe: "fly", action: "restart_machine", target_id: target },
        },
      }),
    ]);
    expect((await latestPost(incident.post.ts))?.text).toMatch(/different fix/);
    expect((await getApproval(kora.DB, incident.approval.id))?.decided_at).toBeNull();
  });

  it("lets only one of two simultaneous clicks through", async () => {
    const [a, b] = await Promise.all([press(incident.post, incident.approve), press(incident.post, incident.approve)]);
    await Promise.all([postInteraction(a), postInteraction(b)]);

    expect(await flyMutations()).toEqual([START()]);
    expect(await auditRows(incident.session, "operator.fix_approved")).toHaveLength(1);
    expect(await auditRows(incident.session, "tool.probe_autofix_attempted")).toHaveLength(1);
    expect((await refusals()).map((row) => row.refusal_reason)).toEqual(["already_decided"]);
  });
});
