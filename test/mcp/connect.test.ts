import { beforeEach, describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../src/tools/registry";
import { world } from "../world";
import { connectClient, envWithCallers, ERAS, MODERN, READER, toolReply } from "./mcp-harness";
import { seedAuditRow } from "../audit-seed.ts";

const READ_TOOLS = [
  "kora__get_probe_status",
  "kora__list_fly_machines",
  "kora__get_fly_machine",
  "kora__query_audit",
  "kora__list_fix_envelopes",
];
const MUTATING = ["kora__send_email_to_operator", "kora__attempt_probe_autofix"];

beforeEach(async () => {
  await world.reset();
});

describe.each(ERAS)("a %s", (era) => {
  it(
    "connects with a caller's token and lists the seven tools with honest annotations",
    { timeout: 30_000 },
    async () => {
      const client = await connectClient(era, await envWithCallers([READER]), READER.token);
      try {
        const { tools } = await client.listTools();
        expect(tools.map((tool) => tool.name).sort()).toEqual([...TOOL_NAMES].sort());
        for (const tool of tools) {
          const mutating = MUTATING.includes(tool.name);
          expect(tool.annotations, tool.name).toMatchObject({
            readOnlyHint: !mutating,
            destructiveHint: mutating,
            idempotentHint: expect.any(Boolean),
            openWorldHint: expect.any(Boolean),
          });
          expect(tool.inputSchema, tool.name).toMatchObject({ type: "object" });
        }
        expect(
          tools
            .filter((tool) => tool.annotations?.readOnlyHint)
            .map((tool) => tool.name)
            .sort(),
        ).toEqual([...READ_TOOLS].sort());
      } finally {
        await client.close();
      }
    },
  );

  it("calls a read tool and gets the audit rows it asked for", { timeout: 30_000 }, async () => {
    const session = `wake:connect-${era}`;
    await seedAuditRow(await envWithCallers([]), {
      seam: "probe.wake_requested",
      caller_session_id: session,
      source: "cron",
      details: { probe: "fly", target: "1781e9f6c12d83" },
    });
    const client = await connectClient(era, await envWithCallers([READER]), READER.token);
    try {
      const reply = toolReply(
        await client.callTool({ name: "kora__query_audit", arguments: { caller_session_id: session } }),
      );
      expect(reply.isError).toBe(false);
      expect(reply.body.rows).toEqual([
        expect.objectContaining({ seam: "probe.wake_requested", caller_session_id: session, source: "cron" }),
      ]);
      expect(reply.session).toMatch(/^mcp:reader:[0-9a-f-]{36}$/);
    } finally {
      await client.close();
    }
  });
});

describe("protocol eras", () => {
  it.each([
    ["2026 client (auto negotiation)", "2026-07-28"],
    ["2025 client (v2 SDK)", "2025-"],
    ["2025 client (v1 SDK)", "2025-"],
  ] as const)("a %s speaks %s to the endpoint", { timeout: 30_000 }, async (era, version) => {
    const seen: Request[] = [];
    const client = await connectClient(era, await envWithCallers([READER]), READER.token, seen);
    try {
      await client.listTools();
    } finally {
      await client.close();
    }
    const listCall = seen.find((request) => request.headers.get("mcp-method") === "tools/list") ?? seen.at(-1);
    expect(listCall?.headers.get("mcp-protocol-version")).toMatch(new RegExp(`^${version}`));
    const initialize = await Promise.all(seen.map(async (request) => (await request.text()).includes('"initialize"')));
    expect(initialize.some(Boolean)).toBe(version.startsWith("2025"));
  });
});

describe("tool input schemas", () => {
  it("come from the zod inputs, with every field described", { timeout: 30_000 }, async () => {
    const client = await connectClient(MODERN, await envWithCallers([READER]), READER.token);
    try {
      const { tools } = await client.listTools();
      const audit = tools.find((tool) => tool.name === "kora__query_audit");
      expect(audit?.inputSchema).toMatchObject({
        type: "object",
        properties: { limit: { type: "integer", minimum: 1, maximum: 50 } },
      });
      for (const tool of tools) {
        const properties = (tool.inputSchema as { properties?: Record<string, { description?: string }> }).properties;
        for (const [field, schema] of Object.entries(properties ?? {})) {
          expect(schema.description, `${tool.name}.${field}`).toEqual(expect.any(String));
        }
      }
    } finally {
      await client.close();
    }
  });
});
