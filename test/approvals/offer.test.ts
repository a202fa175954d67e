import { describe, expect, it } from "vitest";
import { APPROVAL_ID_PATTERN } from "../../src/approvals/model";
import { approvalEligibility } from "../../src/approvals/model";
import { offerApproval } from "../../src/approvals/offer";
import { parseConfig } from "../../src/config";
import { kora, machineId } from "./harness";

const refusedByEnvelope = (target_id: string, overrides: Record<string, string> = {}) => ({
  probe: "fly",
  action: "restart_machine",
  target_id,
  reason_from_reasoning: "crashed with exit code 1",
  status: "rejected" as const,
  rejection_reason: "envelope_disabled" as const,
  ...overrides,
});

describe("when an Approve button is offered", () => {
  it("offers one for a Fly restart that only the envelope refused", () => {
    expect(approvalEligibility(refusedByEnvelope("m123"))).toEqual({
      eligible: true,
      fix: { probe: "fly", action: "restart_machine", target_id: "m123", reason: "crashed with exit code 1" },
    });
  });

  it("offers none when gate 1, 3 or 4 would refuse the fix anyway", () => {
    expect(approvalEligibility(refusedByEnvelope("m1", { probe: "supabase" }))).toMatchObject({
      eligible: false,
      rejection_reason: "action_not_allowed",
    });
    expect(approvalEligibility(refusedByEnvelope("m1", { action: "destroy_machine" }))).toMatchObject({
      eligible: false,
      rejection_reason: "action_not_allowed",
    });
    expect(approvalEligibility(refusedByEnvelope("a/b"))).toMatchObject({
      eligible: false,
      rejection_reason: "invalid_target_id",
    });
  });

  it("offers none when the attempt was not refused by the envelope", () => {
    expect(
      approvalEligibility({ ...refusedByEnvelope("m1"), status: "attempted", rejection_reason: undefined }),
    ).toEqual({
      eligible: false,
      why: "not_refused_by_envelope",
    });
    expect(
      approvalEligibility({ ...refusedByEnvelope("m1"), rejection_reason: "target_already_started" }),
    ).toMatchObject({ eligible: false, why: "not_refused_by_envelope" });
  });
});

describe("offerApproval", () => {
  it("stores an unguessable id that expires after KORA_APPROVAL_TTL_MINUTES", async () => {
    const now = new Date("2026-11-20T10:00:00.000Z");
    const config = parseConfig({ ...kora, KORA_APPROVAL_TTL_MINUTES: "15" });
    const offer = await offerApproval(kora, config, "wake:offer-ttl", refusedByEnvelope(machineId()), now);
    expect(offer.offered).toBe(true);
    if (!offer.offered) return;
    expect(offer.approval.id).toMatch(APPROVAL_ID_PATTERN);
    expect(offer.approval).toMatchObject({
      caller_session_id: "wake:offer-ttl",
      created_at: "2026-11-20T10:00:00.000Z",
      expires_at: "2026-11-20T10:15:00.000Z",
      decided_at: null,
      outcome: null,
    });
  });

  it("gives a redelivered wake the approval it already has", async () => {
    const config = parseConfig(kora);
    const target = machineId();
    const now = new Date();
    const first = await offerApproval(kora, config, "wake:offer-twice", refusedByEnvelope(target), now);
    const second = await offerApproval(kora, config, "wake:offer-twice", refusedByEnvelope(target), now);
    expect(first.offered && second.offered && first.approval.id === second.approval.id).toBe(true);
  });
});
