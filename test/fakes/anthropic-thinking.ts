/**
 * Thinking as the Messages API does it on the models that think by default (docs/api-notes.md,
 * the Sonnet 5.5 migration guide): adaptive thinking unless told otherwise, its depth set with
 * `output_config.effort`; signed thinking blocks before text and tool use, which must come back
 * unchanged when a tool-use turn continues; `max_tokens` caps thinking and answer together. The
 * parameters those models refuse get the API's 400 `invalid_request_error`.
 *
 * Signatures are an HMAC of the thinking text under a key only this process knows, so a block the
 * client edited, dropped or made up fails the check, as a real one would.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ContentBlock, MessageParam, MessagesRequest } from "./anthropic.ts";
import { tokensOf } from "./prompt-cache.ts";

export interface ModelTraits {
  /** Runs adaptive thinking when the request has no `thinking` field; refuses the old knobs. */
  thinks_by_default: boolean;
  /** Takes `output_config.effort`. */
  takes_effort: boolean;
}

/** The models the fake knows. Any other id is served without thinking and without these checks. */
export const MODEL_TRAITS: Readonly<Record<string, ModelTraits>> = {
  "claude-sonnet-5-5": { thinks_by_default: true, takes_effort: true },
  "claude-opus-5-5": { thinks_by_default: true, takes_effort: true },
  "claude-haiku-4-5": { thinks_by_default: false, takes_effort: false },
  "claude-haiku-4-5-20251001": { thinks_by_default: false, takes_effort: false },
};

export const EFFORTS = ["low", "medium", "high", "xhigh", "max"] as const;
export type Effort = (typeof EFFORTS)[number];

/** The API's default when a thinking model is given no effort. */
export const DEFAULT_EFFORT: Effort = "high";

/**
 * Thinking tokens the fake spends on one turn at each effort. Stand-in figures, not measurements:
 * what a test relies on is that they grow with effort, that `high` plus an answer fits in 16k,
 * and that it does not fit in the 2,048 a non-thinking model is given.
 */
export const THINKING_TOKENS_PER_TURN: Readonly<Record<Effort, number>> = {
  low: 400,
  medium: 1_500,
  high: 5_000,
  xhigh: 9_000,
  max: 14_000,
};

const isEffort = (value: unknown): value is Effort => EFFORTS.some((effort) => effort === value);

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

export function thinksByDefault(model: string): boolean {
  return MODEL_TRAITS[model]?.thinks_by_default === true;
}

/** The effort a thinking request runs at (validated beforehand). */
export function effortOf(body: MessagesRequest): Effort {
  const effort = record(body.output_config)?.effort;
  return isEffort(effort) ? effort : DEFAULT_EFFORT;
}

export class ThinkingSigner {
  readonly #key = randomBytes(32);

  #mac(kind: string, text: string): string {
    return createHmac("sha256", this.#key).update(`${kind}\u0000${text}`).digest("base64");
  }

  thinking(text: string): ContentBlock {
    return { type: "thinking", thinking: text, signature: this.#mac("thinking", text) };
  }

  /** `data` stands in for the API's encrypted thinking: the text, and a MAC over it. */
  redacted(text: string): ContentBlock {
    const encoded = Buffer.from(text, "utf8").toString("base64");
    return { type: "redacted_thinking", data: `${encoded}.${this.#mac("redacted", text)}` };
  }

  /** A block with no signature (or data) yet is signed; anything else is kept as scripted. */
  sign(block: ContentBlock): ContentBlock {
    if (block.type === "thinking" && block.signature === undefined) return this.thinking(String(block.thinking ?? ""));
    if (block.type === "redacted_thinking" && block.data === undefined) {
      return this.redacted(String(block.thinking ?? "redacted"));
    }
    return block;
  }

  verifies(block: ContentBlock): boolean {
    if (block.type === "thinking") {
      return typeof block.thinking === "string" && same(block.signature, this.#mac("thinking", block.thinking));
    }
    if (block.type === "redacted_thinking") {
      const [encoded, mac] = typeof block.data === "string" ? block.data.split(".") : [];
      if (!encoded || !mac) return false;
      return same(mac, this.#mac("redacted", Buffer.from(encoded, "base64").toString("utf8")));
    }
    return true;
  }
}

function same(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const isThinking = (block: ContentBlock) => block.type === "thinking" || block.type === "redacted_thinking";

/**
 * What the API refuses about thinking and effort, as the message of its 400; undefined when the
 * request is fine. Checked before anything is generated, like the API's own validation.
 */
export function thinkingProblem(body: MessagesRequest, signer: ThinkingSigner): string | undefined {
  const traits = MODEL_TRAITS[body.model];
  const outputConfig = body.output_config === undefined ? undefined : record(body.output_config);
  if (body.output_config !== undefined && !outputConfig) return "output_config: Input should be a valid dictionary";
  const effort = outputConfig?.effort;
  if (effort !== undefined && effort !== null) {
    if (!isEffort(effort)) return "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'";
    if (traits && !traits.takes_effort)
      return `output_config.effort: ${body.model} does not support the effort parameter`;
  }

  if (traits?.thinks_by_default) {
    const problem = refusedByThinkingModel(body);
    if (problem) return problem;
  }
  return passedBackProblem(body.messages, signer, traits?.thinks_by_default === true);
}

function refusedByThinkingModel(body: MessagesRequest): string | undefined {
  const thinking = record(body.thinking);
  if (body.thinking !== undefined && !thinking) return "thinking: Input should be a valid dictionary";
  if (thinking?.budget_tokens !== undefined || thinking?.type === "enabled") {
    return `thinking.type.enabled is not supported for ${body.model}. Use thinking.type.adaptive and output_config.effort to control thinking behavior.`;
  }
  if (thinking?.type === "disabled") {
    return `thinking.type.disabled is not supported for ${body.model}: thinking is adaptive. Use output_config.effort to control how much it thinks.`;
  }
  if (thinking && thinking.type !== "adaptive") return "thinking.type: Input should be 'adaptive'";
  for (const [name, fallback] of [
    ["temperature", 1],
    ["top_p", 1],
    ["top_k", undefined],
  ] as const) {
    const value = body[name];
    if (value !== undefined && value !== fallback) {
      return `${name}: sampling parameters are not supported for ${body.model}; remove \`${name}\` from the request.`;
    }
  }
  if (body.messages.at(-1)?.role === "assistant") {
    return `This model does not support assistant message prefill. The conversation must end with a user message.`;
  }
  const toolChoice = record(body.tool_choice)?.type;
  if (toolChoice === "any" || toolChoice === "tool") {
    return "Thinking may not be enabled when `tool_choice` forces tool use.";
  }
  return undefined;
}

/**
 * Thinking blocks that come back must be exactly as returned (signature checked), ahead of the
 * message's text and tool use; and on a thinking model, the assistant turn a `tool_result`
 * answers must start with its thinking.
 */
function passedBackProblem(messages: MessageParam[], signer: ThinkingSigner, thinks: boolean): string | undefined {
  for (const [index, message] of messages.entries()) {
    if (message.role !== "assistant" || typeof message.content === "string") continue;
    let answered = false;
    for (const [at, block] of message.content.entries()) {
      if (!isThinking(block)) {
        answered = true;
        continue;
      }
      if (answered) {
        return `messages.${index}.content.${at}: \`${block.type}\` blocks must come before text and tool use, in the order they were returned.`;
      }
      if (!signer.verifies(block)) {
        return `messages.${index}.content.${at}: Invalid \`signature\` in \`${block.type}\` block. Thinking blocks must be passed back unchanged.`;
      }
    }
  }
  const last = messages.at(-1);
  const continues =
    last?.role === "user" &&
    typeof last.content !== "string" &&
    last.content.some((block) => block.type === "tool_result");
  const turn = messages.at(-2);
  if (thinks && continues && turn?.role === "assistant") {
    const first = typeof turn.content === "string" ? { type: "text" } : turn.content[0];
    if (!first || !isThinking(first)) {
      return `messages.${messages.length - 2}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type ?? "nothing"}\`. When thinking is enabled, a final \`assistant\` message must start with a thinking block (preceding the lastmost set of \`tool_use\` and \`tool_result\` blocks). Pass back the thinking blocks of previous turns unchanged.`;
    }
  }
  return undefined;
}

/** The returned thinking is a short summary; the tokens billed for it are the full reasoning. */
export function withThinking(content: ContentBlock[], signer: ThinkingSigner): ContentBlock[] {
  if (content.some(isThinking)) return content.map((block) => signer.sign(block));
  return [signer.thinking(thinkingSummary(content)), ...content];
}

function thinkingSummary(content: ContentBlock[]): string {
  const calls = content.filter((block) => block.type === "tool_use").map((block) => String(block.name));
  return calls.length > 0
    ? `Before deciding anything I want to see what ${calls.join(", ")} returns; the probe data is evidence, not instructions.`
    : "I have what I need to tell the operator what happened and what is left for them.";
}

export interface Generated {
  content: ContentBlock[];
  output_tokens: number;
  thinking_tokens: number;
  truncated: boolean;
}

/**
 * Thinking is spent first, then the answer, block by block, until `max_tokens` runs out: a text
 * is cut where the budget ends, a tool call that does not fit whole is not sent.
 */
export function spend(content: ContentBlock[], thinkingTokens: number, maxTokens: number): Generated {
  const thinking = content.filter(isThinking);
  const answer = content.filter((block) => !isThinking(block));
  const answerTokens = Math.max(1, tokensOf(JSON.stringify(answer)));
  if (thinkingTokens + answerTokens <= maxTokens) {
    return {
      content,
      output_tokens: thinkingTokens + answerTokens,
      thinking_tokens: thinkingTokens,
      truncated: false,
    };
  }
  if (thinkingTokens >= maxTokens) {
    return { content: thinking, output_tokens: maxTokens, thinking_tokens: maxTokens, truncated: true };
  }
  let left = maxTokens - thinkingTokens;
  const kept: ContentBlock[] = [];
  for (const block of answer) {
    const cost = tokensOf(JSON.stringify(block));
    if (cost <= left) {
      kept.push(block);
      left -= cost;
      continue;
    }
    if (block.type === "text" && left > 0) kept.push({ ...block, text: String(block.text).slice(0, left * 4) });
    break;
  }
  return {
    content: [...thinking, ...kept],
    output_tokens: maxTokens,
    thinking_tokens: thinkingTokens,
    truncated: true,
  };
}
