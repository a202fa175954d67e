import { beforeEach, describe, expect, it } from "vitest";
import { attemptProbeAutofix } from "../../src/autofix/attempt";
import { world } from "../world";
import {
  clearAutonomyTables,
  consoleForm,
  consoleLogin,
  envelopes,
  ephemeralText,
  fixContext,
  flyWrites,
  ORIGIN,
  OPERATOR,
  operatorApi,
  restart,
  rowsOf,
  seedCrashedMachine,
  send,
  slashCommand,
  TOKEN,
  withFly,
} from "./helpers";
import { env } from "cloudflare:workers";

beforeEach(async () => {
  await world.reset();
  await clearAutonomyTables();
});

/** The switch is where it was and no change was recorded. */
async function expectUnchanged(paused: boolean): Promise<void> {
  expect((await envelopes()).autonomy.paused).toBe(paused);
  expect(await rowsOf(paused ? "operator.autonomy_resumed" : "operator.autonomy_paused")).toEqual([]);
}

const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe("/kora from Slack", () => {
  it("refuses another workspace member: an ephemeral refusal, one row naming them, the switch untouched", async () => {
    const response = await send(await slashCommand({ text: "pause", user_id: "U0STRANGER" }));

    expect(response.status).toBe(200);
    expect(await ephemeralText(response)).toContain("Only Kora's operator");
    await expectUnchanged(false);
    const [refusal] = await rowsOf("operator.autonomy_command_refused");
    expect(refusal?.details).toMatchObject({
      slack_user_id: "U0STRANGER",
      text: "pause",
      refusal_reason: "not_operator",
    });
  });

  it("refuses another member's resume while paused, so nobody else can hand autonomy back", async () => {
    await send(await slashCommand({ text: "pause" }));
    await send(await slashCommand({ text: "resume", user_id: "U0STRANGER" }));

    await expectUnchanged(true);
    expect((await attemptProbeAutofix(restart(await seedCrashedMachine()), fixContext(withFly("true")))).status).toBe(
      "rejected",
    );
    expect(await flyWrites()).toEqual([]);
  });

  it("refuses everyone when no operator is configured (fail closed)", async () => {
    const response = await send(await slashCommand({ text: "pause" }), { ...env, KORA_SLACK_OPERATOR_USER_ID: "" });
    expect(await ephemeralText(response)).toContain("Only Kora's operator");
    expect((await rowsOf("operator.autonomy_command_refused"))[0]?.details).toMatchObject({
      refusal_reason: "operator_not_configured",
    });
    await expectUnchanged(false);
  });

  it("answers 401 to a request signed with another secret, and records nothing", async () => {
    const response = await send(await slashCommand({ text: "pause", secret: "not-the-signing-secret" }));
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("signature_bad_signature");
    await expectUnchanged(false);
    expect(await rowsOf("operator.autonomy_command_refused")).toEqual([]);
  });

  it("answers 401 to a body changed after signing (resume signed, pause sent)", async () => {
    await send(await slashCommand({ text: "pause" }));
    const forged = await slashCommand({
      text: "status",
      tamper: (body) => body.replace("text=status", "text=resume"),
    });
    const response = await send(forged);
    expect(response.status).toBe(401);
    await expectUnchanged(true);
  });

  it("answers 401 to a correctly signed request older than five minutes", async () => {
    const response = await send(
      await slashCommand({ text: "pause", timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
    );
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("signature_stale_timestamp");
    await expectUnchanged(false);
  });

  it("answers 401 to a correctly signed request from the future", async () => {
    const response = await send(await slashCommand({ text: "pause", timestamp: Math.floor(Date.now() / 1000) + 600 }));
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("signature_future_timestamp");
    await expectUnchanged(false);
  });

  it("answers 401 with no signature headers at all", async () => {
    const response = await send(
      new Request(`${ORIGIN}/slack/commands`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `user_id=${OPERATOR}&command=%2Fkora&text=pause`,
      }),
    );
    expect(response.status).toBe(401);
    await expectUnchanged(false);
  });

  it("answers 503 when KORA_SLACK_SIGNING_SECRET is unset", async () => {
    const response = await send(await slashCommand({ text: "pause" }), { ...env, KORA_SLACK_SIGNING_SECRET: "" });
    expect(response.status).toBe(503);
    expect(await errorCode(response)).toBe("slack_signing_secret_unset");
    await expectUnchanged(false);
  });

  it("does not let a replayed resume undo a later pause", async () => {
    await send(await slashCommand({ text: "pause" }));
    const resume = await slashCommand({ text: "resume" });
    const replay = resume.clone();
    await send(resume);
    await send(operatorApi("POST", "/api/autonomy/pause", { reason: "after the resume" }));

    const response = await send(replay);

    expect(await ephemeralText(response)).toContain("already handled");
    expect((await envelopes()).autonomy).toMatchObject({ paused: true, reason: "after the resume" });
    expect(await rowsOf("operator.autonomy_resumed")).toHaveLength(1);
  });

  it("does not apply a request signed before the switch last changed", async () => {
    const signedEarlier = await slashCommand({ text: "resume", timestamp: Math.floor(Date.now() / 1000) - 60 });
    await send(operatorApi("POST", "/api/autonomy/pause"));

    const text = await ephemeralText(await send(signedEarlier));

    expect(text).toContain("changed after this request was sent");
    await expectUnchanged(true);
  });

  it("keeps Slack markup the operator typed from becoming a mention or a link", async () => {
    await send(await slashCommand({ text: "pause <!channel> <https://evil.example|click>" }));
    const text = await ephemeralText(await send(await slashCommand({ text: "status" })));
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("&lt;!channel&gt;");
  });

  it("answers 400 to a signed form with no user id, and changes nothing", async () => {
    const request = await slashCommand({ text: "pause", user_id: "" });
    const response = await send(request);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("invalid_payload");
    await expectUnchanged(false);
  });
});

describe("the operator API and the console", () => {
  it.each([
    ["POST", "/api/autonomy/pause"],
    ["POST", "/api/autonomy/resume"],
    ["GET", "/api/envelopes"],
  ])("%s %s refuses a missing or wrong token with 401", async (method, path) => {
    const none = await send(new Request(`${ORIGIN}${path}`, { method }));
    const wrong = await send(new Request(`${ORIGIN}${path}`, { method, headers: { authorization: "Bearer nope" } }));
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect(await wrong.text()).not.toContain(TOKEN);
    await expectUnchanged(false);
  });

  it("closes the API with 503 when no operator token is configured", async () => {
    const response = await send(operatorApi("POST", "/api/autonomy/pause"), { ...env, KORA_OPERATOR_TOKEN: "" });
    expect(response.status).toBe(503);
    await expectUnchanged(false);
  });

  it("refuses a console pause posted from another site (CSRF), and one without a session", async () => {
    const cookie = await consoleLogin();
    const crossSite = await send(consoleForm("/autonomy/pause", cookie, {}, "https://evil.example"));
    expect(crossSite.status).toBe(403);
    const noSession = await send(consoleForm("/autonomy/pause", ""));
    expect(noSession.status).toBe(303);
    expect(noSession.headers.get("location")).toContain("/login");
    await expectUnchanged(false);
  });

  it("escapes a reason with markup on the console page", async () => {
    await send(operatorApi("POST", "/api/autonomy/pause", { reason: '<script>alert("x")</script>' }));
    const page = await send(
      new Request(`${ORIGIN}/autonomy`, { headers: { cookie: await consoleLogin() }, redirect: "manual" }),
    );
    const html = await page.text();
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;");
  });

  it("never stores a configured secret given as a reason", async () => {
    await send(operatorApi("POST", "/api/autonomy/pause", { reason: `token ${TOKEN}` }));
    const [row] = await rowsOf("operator.autonomy_paused");
    expect(JSON.stringify(row?.details)).not.toContain(TOKEN);
    expect((await envelopes()).autonomy.reason).not.toContain(TOKEN);
  });
});
