import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents, type StoredAuditRow } from "../../src/audit/queries";
import { world } from "../world";
import { connectClient, envWithCallers, ERAS, MODERN, FIXER, READER, toolReply } from "./mcp-harness";

const autofix = (target_id = machineId) => ({
  name: "kora__attempt_probe_autofix",
  arguments: { probe: "fly", action: "restart_machine", target_id, reason: "crashed with exit code 1" },
});

async function rowsOf(session: string): Promise<StoredAuditRow[]> {
  return (await listAuditEvents(env.DB, { caller_session_id: session, limit: 50 })).rows;
}

let machineSeq = 0;
let machineId = "";

// A fresh crashed machine per test: the restart budget (3 an hour per machine) lives in D1,
// which this file's tests share.
beforeEach(async () => {
  await world.reset();
  machineId = `1781e9f6c12d${String(machineSeq++).padStart(2, "0")}`;
  await world.fly.machines([{ app: "kora-web", id: machineId, name: "kora-web-cdg-1" }]);
  await world.fly.crash(machineId);
});

describe.each(ERAS)("a caller without the cap, on a %s", (era) => {
  it(
    "is refused the autofix: a tool error naming the cap, a denial row, zero Fly calls",
    { timeout: 30_000 },
    async () => {
      const workerEnv = await envWithCallers([READER], { KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" });
      const client = await connectClient(era, workerEnv, READER.token);
      const reply = toolReply(await client.callTool(autofix()).finally(() => client.close()));

      expect(reply.isError).toBe(true);
      expect(reply.body).toMatchObject({ error: "missing_cap", missing_cap: "kora__attempt_probe_autofix" });
      expect(String(reply.body.message)).toContain("kora__attempt_probe_autofix");
      expect(await rowsOf(reply.session)).toEqual([
        expect.objectContaining({
          seam: "mcp.tool_call_denied",
          source: "mcp",
          caller_session_id: reply.session,
          details: expect.objectContaining({
            caller_id: "reader",
            tool: "kora__attempt_probe_autofix",
            missing_cap: "kora__attempt_probe_autofix",
          }),
        }),
      ]);
      expect(await world.requests({ provider: "fly" })).toEqual([]);
    },
  );
});

describe("the cap gate", () => {
  it("runs before input validation, so nonsense arguments are still a denial row", async () => {
    const client = await connectClient(MODERN, await envWithCallers([READER]), READER.token);
    const reply = toolReply(
      await client
        .callTool({ name: "kora__attempt_probe_autofix", arguments: { probe: 42, target_id: ["../../etc"] } })
        .finally(() => client.close()),
    );
    expect(reply.body.error).toBe("missing_cap");
    expect((await rowsOf(reply.session)).map((row) => row.seam)).toEqual(["mcp.tool_call_denied"]);
  });

  it("guards the email tool too: a cap for the autofix does not grant email", async () => {
    const workerEnv = await envWithCallers([FIXER], {
      KORA_OPERATOR_EMAIL: "ops@example.com",
      KORA_EMAIL_FROM: "kora@example.com",
    });
    const client = await connectClient(MODERN, workerEnv, FIXER.token);
    const reply = toolReply(
      await client
        .callTool({ name: "kora__send_email_to_operator", arguments: { subject: "hi", body: "there" } })
        .finally(() => client.close()),
    );
    expect(reply.body).toMatchObject({ error: "missing_cap", missing_cap: "kora__send_email_to_operator" });
    const seams = (await rowsOf(reply.session)).map((row) => row.seam);
    expect(seams).toEqual(["mcp.tool_call_denied"]);
  });

  it("answers an unknown tool with a JSON-RPC error, not a crash", async () => {
    const client = await connectClient(MODERN, await envWithCallers([FIXER]), FIXER.token);
    await expect(
      client.callTool({ name: "kora__delete_everything", arguments: {} }).finally(() => client.close()),
    ).rejects.toThrow(/unknown tool/);
  });
});

describe.each(ERAS)("a caller with the cap, on a %s", (era) => {
  it(
    "is still stopped by the envelope when it is off, and the refusal is audited as mcp",
    { timeout: 30_000 },
    async () => {
      const client = await connectClient(era, await envWithCallers([FIXER]), FIXER.token);
      const reply = toolReply(await client.callTool(autofix()).finally(() => client.close()));

      expect(await rowsOf(reply.session)).toEqual([
        expect.objectContaining({
          seam: "tool.probe_autofix_attempted",
          source: "mcp",
          details: expect.objectContaining({
            status: "rejected",
            rejection_reason: "envelope_disabled",
            target_id: machineId,
            reason_from_reasoning: "crashed with exit code 1",
          }),
        }),
      ]);
      expect(await world.requests({ provider: "fly", mutating: true })).toEqual([]);
    },
  );

  it("restarts the crashed machine through all five gates when the envelope is on", { timeout: 30_000 }, async () => {
    const workerEnv = await envWithCallers([FIXER], { KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" });
    const client = await connectClient(era, workerEnv, FIXER.token);
    const reply = toolReply(await client.callTool(autofix()).finally(() => client.close()));

    expect(reply.isError).toBe(false);
    expect(reply.session).toMatch(/^mcp:fixer:/);
    expect(await rowsOf(reply.session)).toEqual([
      expect.objectContaining({
        seam: "tool.probe_autofix_attempted",
        source: "mcp",
        caller_session_id: reply.session,
        details: expect.objectContaining({
          status: "attempted",
          outcome: "recovered",
          target_id: machineId,
          fly_app: "kora-web",
          before_state: expect.objectContaining({ state: "stopped" }),
          after_state: expect.objectContaining({ state: "started" }),
        }),
      }),
    ]);
    const mutations = await world.requests({ provider: "fly", mutating: true });
    expect(mutations.map((request) => `${request.method} ${request.path}`)).toContainEqual(
      `POST /v1/apps/kora-web/machines/${machineId}/start`,
    );
  });
});

describe("a repeated tools/call (a 2026 client re-sends after a broken stream)", () => {
  it("does not restart twice: the second call is refused at gate 5 and audited", { timeout: 30_000 }, async () => {
    const workerEnv = await envWithCallers([FIXER], { KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" });
    const client = await connectClient(MODERN, workerEnv, FIXER.token);
    try {
      const first = toolReply(await client.callTool(autofix()));
      const second = toolReply(await client.callTool(autofix()));
      expect((await rowsOf(first.session))[0]?.details).toMatchObject({ status: "attempted" });
      expect((await rowsOf(second.session))[0]?.details).toMatchObject({
        status: "rejected",
        rejection_reason: "target_already_started",
      });
    } finally {
      await client.close();
    }
    const starts = (await world.requests({ provider: "fly", mutating: true })).filter((request) =>
      /\/(start|restart)$/.test(request.path),
    );
    expect(starts).toHaveLength(1);
  });
});
