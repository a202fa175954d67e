/**
 * Fake Anthropic Messages API (`POST /v1/messages`), shapes from docs/api-notes.md: the message
 * object, `tool_use` turns, the error body `{ type: "error", error, request_id }`, and `usage`
 * reported the way the API does it (prompt caching included, see ./prompt-cache.ts). Models that
 * think by default think here too, and refuse what the real ones refuse (./anthropic-thinking.ts).
 *
 * Replies come from a script set through the control API (`/__control/anthropic/script`), or,
 * when nothing is scripted, from a default scenario (./anthropic-scenario.ts) so the demo works
 * with no setup; on a thinking model a signed thinking block goes before either. Faults
 * (429/529 …) use the world's fault book with an Anthropic error body. `stats` counts the 400s
 * the fake answered, so a test can assert there were none.
 */
import { defaultScenarioReply } from "./anthropic-scenario.ts";
import {
  effortOf,
  spend,
  THINKING_TOKENS_PER_TURN,
  thinkingProblem,
  ThinkingSigner,
  thinksByDefault,
  withThinking,
} from "./anthropic-thinking.ts";
import { PromptCache, promptBlocks } from "./prompt-cache.ts";
import type { FakeRequest, FakeResponse, ProviderFake } from "./world.ts";

export interface ContentBlock {
  type: string;
  [key: string]: unknown;
}

export interface MessageParam {
  role: "user" | "assistant";
  content: string | ContentBlock[];
}

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: MessageParam[];
  system?: string | ContentBlock[];
  tools?: ContentBlock[];
  [key: string]: unknown;
}

/**
 * One scripted answer: an assistant message, or an API error. On a thinking model a signed
 * thinking block is put before `content` (or scripted thinking blocks are signed), and
 * `thinking_tokens` replaces what the request's effort would spend.
 */
export type ScriptedReply =
  | { content: ContentBlock[]; stop_reason?: string; thinking_tokens?: number }
  | { error: { status: number; type: string; message: string; headers?: Record<string, string> } };

/** What the fake answered since the last reset (`POST /__control/anthropic/stats`). */
export interface AnthropicStats {
  requests: number;
  /** Every 400 the fake answered, and the messages of the first few. */
  bad_requests: number;
  bad_request_messages: string[];
  output_tokens: number;
  /** The part of `output_tokens` spent thinking. */
  thinking_tokens: number;
}

const emptyStats = (): AnthropicStats => ({
  requests: 0,
  bad_requests: 0,
  bad_request_messages: [],
  output_tokens: 0,
  thinking_tokens: 0,
});

export class AnthropicFake implements ProviderFake {
  readonly name = "anthropic";
  #script: ScriptedReply[] = [];
  #cache = new PromptCache();
  #seq = 0;
  #stats = emptyStats();
  readonly #signer = new ThinkingSigner();

  reset(): void {
    this.#script = [];
    this.#cache = new PromptCache();
    this.#seq = 0;
    this.#stats = emptyStats();
  }

  control(command: string, body: unknown): unknown {
    switch (command) {
      case "script": {
        const replies = (body as { replies?: ScriptedReply[] }).replies;
        if (!Array.isArray(replies)) throw new Error("script needs { replies: [...] }");
        this.#script.push(...replies);
        return { ok: true, queued: this.#script.length };
      }
      case "clear-script":
        this.#script = [];
        return { ok: true };
      case "forget-cache":
        this.#cache = new PromptCache();
        return { ok: true };
      case "stats":
        return { ...this.#stats, bad_request_messages: [...this.#stats.bad_request_messages] };
      default:
        throw new Error(`unknown anthropic control "${command}"`);
    }
  }

  isMutating(): boolean {
    return false;
  }

  handle(request: FakeRequest): FakeResponse {
    const requestId = `req_fake${String(++this.#seq).padStart(8, "0")}`;
    this.#stats.requests += 1;
    const error = (status: number, type: string, message: string, headers?: Record<string, string>) => {
      if (status === 400) {
        this.#stats.bad_requests += 1;
        if (this.#stats.bad_request_messages.length < 20) this.#stats.bad_request_messages.push(message);
      }
      return {
        status,
        headers: { "request-id": requestId, ...headers },
        body: { type: "error", error: { type, message }, request_id: requestId },
      };
    };
    if (request.method !== "POST" || request.path !== "/v1/messages") {
      return error(404, "not_found_error", `Not found: ${request.method} ${request.path}`);
    }
    // The SDK sends the key as `Authorization: Bearer`; older clients use `x-api-key`.
    const bearer = /^Bearer\s+\S+$/i.test(request.headers.authorization ?? "");
    if (!request.headers["x-api-key"] && !bearer) {
      return error(401, "authentication_error", "x-api-key or Authorization header is required");
    }
    if (!request.headers["anthropic-version"]) {
      return error(400, "invalid_request_error", "anthropic-version: header is required");
    }
    let body: MessagesRequest;
    try {
      body = JSON.parse(request.body) as MessagesRequest;
    } catch {
      return error(400, "invalid_request_error", "There was an error parsing the body of your request");
    }
    const problem = validate(body) ?? thinkingProblem(body, this.#signer);
    if (problem) return error(400, "invalid_request_error", problem);

    const next = this.#script.shift() ?? defaultScenarioReply(body);
    if ("error" in next) {
      return error(next.error.status, next.error.type, next.error.message, next.error.headers);
    }
    const blocks = promptBlocks(body);
    const breakpoints = blocks.filter((block) => block.breakpoint).length;
    if (breakpoints > 4) {
      return error(
        400,
        "invalid_request_error",
        `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`,
      );
    }
    const usage = this.#cache.usageFor(body.model, blocks, Date.now());
    const scripted = next.content.map((block) =>
      block.type === "tool_use" && !block.id
        ? { ...block, id: `toolu_fake${crypto.randomUUID().slice(0, 18)}` }
        : block,
    );
    const thinks = thinksByDefault(body.model);
    const generated = spend(
      thinks ? withThinking(scripted, this.#signer) : scripted,
      thinks ? (next.thinking_tokens ?? THINKING_TOKENS_PER_TURN[effortOf(body)]) : 0,
      body.max_tokens,
    );
    const content = generated.content;
    this.#stats.output_tokens += generated.output_tokens;
    this.#stats.thinking_tokens += generated.thinking_tokens;
    const stopReason = generated.truncated
      ? "max_tokens"
      : (next.stop_reason ?? (content.some((block) => block.type === "tool_use") ? "tool_use" : "end_turn"));
    return {
      status: 200,
      headers: { "request-id": requestId },
      body: {
        id: `msg_fake${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`,
        type: "message",
        role: "assistant",
        model: body.model,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: {
          ...usage,
          output_tokens: generated.output_tokens,
          output_tokens_details: { thinking_tokens: generated.thinking_tokens },
          service_tier: "standard",
        },
      },
    };
  }
}

/** The checks the real API makes that a loop bug would trip (400 invalid_request_error). */
function validate(body: MessagesRequest): string | undefined {
  if (typeof body.model !== "string" || !body.model) return "model: Field required";
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return "max_tokens: Field required";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "messages: at least one message is required";
  if (body.messages[0]?.role !== "user") return 'messages: first message must use the "user" role';
  for (const [index, message] of body.messages.entries()) {
    if (message.role !== "assistant" || typeof message.content === "string") continue;
    const ids = message.content.filter((block) => block.type === "tool_use").map((block) => block.id);
    if (ids.length === 0) continue;
    const reply = body.messages[index + 1];
    const answered = new Set(
      reply && typeof reply.content !== "string"
        ? reply.content.filter((block) => block.type === "tool_result").map((block) => block.tool_use_id)
        : [],
    );
    const missing = ids.filter((id) => !answered.has(id));
    if (missing.length > 0) {
      return `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  for (const tool of body.tools ?? []) {
    if (typeof tool.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) {
      return `tools: name must match ^[a-zA-Z0-9_-]{1,64}$`;
    }
  }
  return undefined;
}
