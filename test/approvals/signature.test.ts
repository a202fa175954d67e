import { beforeEach, describe, expect, it } from "vitest";
import { getApproval } from "../../src/approvals/store";
import { interactionBody, signInteraction } from "../fakes/slack-interactions.ts";
import { world } from "../world";
import {
  flyMutations,
  incidentAwaitingApproval,
  kora,
  machineId,
  postInteraction,
  press,
  PROD,
  seams,
  type AwaitingIncident,
} from "./harness";

let incident: AwaitingIncident;
beforeEach(async () => {
  await world.reset();
  const target = machineId();
  await world.fly.machines([{ app: PROD, id: target, state: "stopped" }]);
  incident = await incidentAwaitingApproval({ target });
});

/** Nothing parsed, nothing stored, nothing changed: the approval is still open and unused. */
async function expectNothingHappened(): Promise<void> {
  expect(await flyMutations()).toEqual([]);
  expect(await seams(incident.session)).toEqual([]);
  expect((await getApproval(kora.DB, incident.approval.id))?.decided_at).toBeNull();
  const post = (await world.slack.posts())[0];
  expect(post?.updates).toEqual([]);
}

const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe("POST /slack/interactions refuses before it reads anything", () => {
  it("answers 503 when KORA_SLACK_SIGNING_SECRET is unset", async () => {
    const signed = await press(incident.post, incident.approve);
    const response = await postInteraction(signed, { KORA_SLACK_SIGNING_SECRET: "" });
    expect(response.status).toBe(503);
    expect(await errorCode(response)).toBe("slack_signing_secret_unset");
    await expectNothingHappened();
  });

  it("answers 401 to a request signed with another secret", async () => {
    const response = await postInteraction(await press(incident.post, incident.approve, { secret: "not-the-secret" }));
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("signature_bad_signature");
    await expectNothingHappened();
  });

  it("answers 401 to a correctly signed request older than five minutes", async () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await postInteraction(await press(incident.post, incident.approve, { timestamp: sixMinutesAgo }));
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("signature_stale_timestamp");
    await expectNothingHappened();
  });

  it("answers 401 to a correctly signed request from the future", async () => {
    const inTenMinutes = Math.floor(Date.now() / 1000) + 10 * 60;
    const response = await postInteraction(await press(incident.post, incident.approve, { timestamp: inTenMinutes }));
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("signature_future_timestamp");
    await expectNothingHappened();
  });

  it("answers 401 when the body was changed after signing", async () => {
    const signed = await press(incident.post, incident.approve);
    const tampered = { ...signed, body: signed.body.replace(encodeURIComponent(incident.approval.id), "apr_x") };
    expect(tampered.body).not.toBe(signed.body);
    expect((await postInteraction(tampered)).status).toBe(401);
    await expectNothingHappened();
  });

  it("answers 401, not 500, to missing or malformed signature headers", async () => {
    const signed = await press(incident.post, incident.approve);
    const { ["x-slack-signature"]: _dropped, ...unsigned } = signed.headers;
    expect((await postInteraction({ ...signed, headers: unsigned })).status).toBe(401);
    const short = { ...signed, headers: { ...signed.headers, "x-slack-signature": "v0=abc" } };
    const response = await postInteraction(short);
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("signature_malformed_headers");
    await expectNothingHappened();
  });
});

describe("POST /slack/interactions with a valid signature", () => {
  it("answers 400 naming the problem when the payload is not Slack's form", async () => {
    const secret = kora.KORA_SLACK_SIGNING_SECRET ?? "";
    const notJson = await signInteraction(null, { signingSecret: secret, body: "payload=%7Bnot-json" });
    const response = await postInteraction(notJson);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "invalid_payload", message: "payload: is not valid JSON" },
    });
    const noUser = await signInteraction({ type: "block_actions", actions: [{}] }, { signingSecret: secret });
    const second = await postInteraction(noUser);
    expect(second.status).toBe(400);
    expect(((await second.json()) as { error: { message: string } }).error.message).toMatch(/payload\.user/);
    await expectNothingHappened();
  });

  it("acknowledges an interaction that is not a button click and does nothing", async () => {
    const secret = kora.KORA_SLACK_SIGNING_SECRET ?? "";
    const shortcut = await signInteraction(
      { type: "shortcut", callback_id: "x", trigger_id: "1", user: { id: "U1" } },
      { signingSecret: secret },
    );
    const response = await postInteraction(shortcut);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(interactionBody({ a: 1 })).toBe("payload=%7B%22a%22%3A1%7D");
    await expectNothingHappened();
  });
});
