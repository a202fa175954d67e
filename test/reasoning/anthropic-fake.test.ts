import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { ContentBlock } from "../fakes/anthropic.ts";
import { world } from "../world";
import { anthropicStats } from "../wake/helpers";

/**
 * The fake Anthropic API itself, through raw requests: if it did not refuse what the thinking
 * models refuse, the loop's "zero 400s" would prove nothing.
 */

interface MessageResponse {
  content: ContentBlock[];
  stop_reason: string;
  usage: { output_tokens: number; output_tokens_details: { thinking_tokens: number } };
}

interface ErrorResponse {
  type: string;
  error: { type: string; message: string };
  request_id: string;
}

const USER = { role: "user", content: "The fly probe says machine m0 stopped. What now?" };
const TOOLS = [
  {
    name: "kora__get_fly_machine",
    description: "one machine",
    input_schema: { type: "object", properties: { machine_id: { type: "string" } } },
  },
];
const BASE = { model: "claude-sonnet-5-5", max_tokens: 16_000, output_config: { effort: "medium" }, messages: [USER] };

async function post(body: Record<string, unknown>) {
  const response = await fetch(`${env.FAKE_WORLD_URL}/anthropic/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "test-key", "anthropic-version": "2023-06-01" },
    body: JSON.stringify(body),
  });
  return { status: response.status, requestId: response.headers.get("request-id"), body: await response.json() };
}

async function ok(body: Record<string, unknown>): Promise<MessageResponse> {
  const response = await post(body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as MessageResponse;
}

/** A tool-use turn from the fake, and the request that would continue it. */
async function toolTurn(script: ContentBlock[] = [{ type: "tool_use", name: "kora__get_fly_machine", input: {} }]) {
  await world.anthropic.script([{ content: script }]);
  const turn = await ok({ ...BASE, tools: TOOLS });
  const use = turn.content.find((block) => block.type === "tool_use");
  const continueWith = (assistant: ContentBlock[]) => ({
    ...BASE,
    tools: TOOLS,
    messages: [
      USER,
      { role: "assistant", content: assistant },
      { role: "user", content: [{ type: "tool_result", tool_use_id: use?.id, content: '{"state":"stopped"}' }] },
    ],
  });
  return { turn, continueWith };
}

beforeEach(async () => {
  await world.reset();
});

describe("the fake Anthropic API on a thinking model", () => {
  it("puts a signed thinking block before the answer and bills the thinking in output_tokens", async () => {
    const message = await ok(BASE);
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    expect(message.content[0]).toMatchObject({ thinking: expect.any(String), signature: expect.any(String) });
    const thinking = message.usage.output_tokens_details.thinking_tokens;
    expect(thinking).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(thinking);
    expect(message.stop_reason).toBe("end_turn");
  });

  it("thinks more at a higher effort, and at high when no effort is given", async () => {
    const thinkingAt = async (outputConfig?: { effort: string }) =>
      (await ok({ ...BASE, output_config: outputConfig })).usage.output_tokens_details.thinking_tokens;
    const low = await thinkingAt({ effort: "low" });
    const medium = await thinkingAt({ effort: "medium" });
    const high = await thinkingAt({ effort: "high" });
    expect(low).toBeLessThan(medium);
    expect(medium).toBeLessThan(high);
    expect(await thinkingAt(undefined)).toBe(high);
  });

  it("prepends the thinking to a scripted tool-use turn", async () => {
    const { turn } = await toolTurn();
    expect(turn.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
    expect(turn.stop_reason).toBe("tool_use");
  });

  it("takes the defaults when they are spelled out: temperature 1, adaptive thinking, tool_choice auto", async () => {
    await ok({ ...BASE, temperature: 1, thinking: { type: "adaptive" }, tools: TOOLS, tool_choice: { type: "auto" } });
    expect((await anthropicStats()).bad_requests).toBe(0);
  });

  const refused: [string, Record<string, unknown>][] = [
    ["a thinking budget", { thinking: { type: "enabled", budget_tokens: 4_000 } }],
    ["thinking disabled", { thinking: { type: "disabled" } }],
    ["a non-default temperature", { temperature: 0.2 }],
    ["a non-default top_p", { top_p: 0.9 }],
    ["top_k", { top_k: 40 }],
    ["an assistant prefill", { messages: [USER, { role: "assistant", content: "The machine crashed because" }] }],
    ["tool_choice any", { tools: TOOLS, tool_choice: { type: "any" } }],
    ["tool_choice naming a tool", { tools: TOOLS, tool_choice: { type: "tool", name: "kora__get_fly_machine" } }],
    ["an effort the API does not know", { output_config: { effort: "extreme" } }],
  ];

  it.each(refused)("refuses %s with the API's 400 invalid_request_error", async (_, change) => {
    const response = await post({ ...BASE, ...change });
    expect(response.status).toBe(400);
    const body = response.body as ErrorResponse;
    expect(body).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: expect.any(String) },
      request_id: response.requestId,
    });
    expect(await anthropicStats()).toMatchObject({ bad_requests: 1, bad_request_messages: [body.error.message] });
  });

  it("takes a continued tool-use turn whose thinking comes back unchanged", async () => {
    const { turn, continueWith } = await toolTurn();
    const next = await ok(continueWith(turn.content));
    expect(next.content[0]?.type).toBe("thinking");
  });

  it("refuses a continued turn whose thinking text was altered", async () => {
    const { turn, continueWith } = await toolTurn();
    const [thinking, ...rest] = turn.content;
    const altered = { ...thinking, thinking: `${String(thinking?.thinking)} (edited)` } as ContentBlock;
    const response = await post(continueWith([altered, ...rest]));
    expect(response.status).toBe(400);
    expect((response.body as ErrorResponse).error.message).toContain("Invalid `signature` in `thinking` block");
  });

  it("refuses a continued turn whose signature was replaced", async () => {
    const { turn, continueWith } = await toolTurn();
    const [thinking, ...rest] = turn.content;
    const forged = { ...thinking, signature: "RXFRQkNnSVlBaElN" } as ContentBlock;
    expect((await post(continueWith([forged, ...rest]))).status).toBe(400);
  });

  it("refuses a continued turn whose thinking was dropped, or moved after the tool call", async () => {
    const { turn, continueWith } = await toolTurn();
    const [thinking, ...rest] = turn.content as [ContentBlock, ...ContentBlock[]];
    const dropped = await post(continueWith(rest));
    expect(dropped.status).toBe(400);
    expect((dropped.body as ErrorResponse).error.message).toContain("Expected `thinking` or `redacted_thinking`");
    expect((await post(continueWith([...rest, thinking]))).status).toBe(400);
    expect((await anthropicStats()).bad_requests).toBe(2);
  });

  it("round-trips a redacted_thinking block, and refuses it altered", async () => {
    const { turn, continueWith } = await toolTurn([
      { type: "redacted_thinking", thinking: "hidden reasoning" },
      { type: "tool_use", name: "kora__get_fly_machine", input: {} },
    ]);
    expect(turn.content[0]).toMatchObject({ type: "redacted_thinking", data: expect.any(String) });
    await ok(continueWith(turn.content));
    const [redacted, ...rest] = turn.content;
    const altered = { ...redacted, data: `A${String(redacted?.data)}` } as ContentBlock;
    expect((await post(continueWith([altered, ...rest]))).status).toBe(400);
  });

  it("stops at max_tokens with only thinking when max_tokens cannot hold it", async () => {
    const message = await ok({ ...BASE, max_tokens: 1_024 });
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.content.map((block) => block.type)).toEqual(["thinking"]);
    expect(message.usage).toMatchObject({ output_tokens: 1_024, output_tokens_details: { thinking_tokens: 1_024 } });
  });

  it("cuts the answer where max_tokens runs out after the thinking, and drops a tool call that does not fit", async () => {
    const medium = (await ok(BASE)).usage.output_tokens_details.thinking_tokens;
    await world.anthropic.script([
      {
        content: [
          { type: "text", text: "x".repeat(400) },
          { type: "tool_use", name: "kora__get_fly_machine", input: {} },
        ],
      },
    ]);
    const message = await ok({ ...BASE, tools: TOOLS, max_tokens: medium + 50 });
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    expect(String(message.content[1]?.text).length).toBeLessThan(400);
    expect(message.usage.output_tokens).toBe(medium + 50);
  });
});

describe("the fake Anthropic API on the economy model", () => {
  const HAIKU = { model: "claude-haiku-4-5", max_tokens: 2_048, messages: [USER] };

  it("does not think, and takes sampling parameters and a prefill", async () => {
    const message = await ok({ ...HAIKU, temperature: 0.2 });
    expect(message.content.map((block) => block.type)).toEqual(["text"]);
    expect(message.usage.output_tokens_details.thinking_tokens).toBe(0);
    await ok({ ...HAIKU, messages: [USER, { role: "assistant", content: "The machine" }] });
  });

  it("refuses an effort it does not take", async () => {
    const response = await post({ ...HAIKU, output_config: { effort: "medium" } });
    expect(response.status).toBe(400);
    expect((response.body as ErrorResponse).error.type).toBe("invalid_request_error");
  });
});

describe("the fake's 400 count", () => {
  it("counts scripted 400s too, and starts again at zero after a reset", async () => {
    await world.anthropic.script([{ error: { status: 400, type: "invalid_request_error", message: "scripted" } }]);
    expect((await post(BASE)).status).toBe(400);
    expect(await anthropicStats()).toMatchObject({ requests: 1, bad_requests: 1 });
    await world.reset();
    expect(await anthropicStats()).toMatchObject({ requests: 0, bad_requests: 0, thinking_tokens: 0 });
  });
});
