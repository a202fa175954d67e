import Anthropic, {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  InternalServerError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
} from "@anthropic-ai/sdk";
import type { Message, MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import type { Config } from "../config";

export type ModelEffort = Config["KORA_MODEL_EFFORT"];

interface ModelCallProfile {
  /** Runs adaptive thinking on every request: thinking and answer share one `max_tokens`. */
  thinks: boolean;
  /** Takes `output_config.effort` (a model that does not answers 400). */
  takes_effort: boolean;
}

/**
 * How each model must be asked (docs/api-notes.md). The thinking models refuse thinking budgets,
 * `thinking: {type: "disabled"}`, sampling parameters, assistant prefill and forced tool choice:
 * the loop sends none of them to any model, so this table only decides `max_tokens` and effort.
 */
const MODEL_CALL_PROFILES: Readonly<Record<string, ModelCallProfile>> = {
  "claude-sonnet-5-5": { thinks: true, takes_effort: true },
  "claude-opus-5-5": { thinks: true, takes_effort: true },
  "claude-haiku-4-5": { thinks: false, takes_effort: false },
  "claude-haiku-4-5-20251001": { thinks: false, takes_effort: false },
};

/**
 * Room for a turn's thinking at `high` plus its tool calls or summary, with margin: a turn that
 * hits the cap ends the investigation (`max_tokens`). Unused room costs nothing. It stays under
 * the ~21k at which the SDK demands streaming for a request without its own timeout.
 */
export const THINKING_MAX_TOKENS = 16_000;
/** A turn of a model that does not think is a few tool calls or a short summary. */
export const ANSWER_MAX_TOKENS = 2_048;

/** `max_tokens` and `output_config` for one model call. */
export function modelCallSettings(
  model: string,
  effort: ModelEffort,
): Pick<MessageCreateParamsNonStreaming, "max_tokens" | "output_config"> {
  const profile = MODEL_CALL_PROFILES[model];
  // An id missing from the table may think: room for thinking is harmless on a model that does
  // not, while an effort sent to a model that does not take it fails every call with a 400.
  if (!profile) return { max_tokens: THINKING_MAX_TOKENS };
  return {
    max_tokens: profile.thinks ? THINKING_MAX_TOKENS : ANSWER_MAX_TOKENS,
    ...(profile.takes_effort ? { output_config: { effort } } : {}),
  };
}

/** How many times one turn is tried before the engine counts as unavailable. */
export const MODEL_CALL_ATTEMPTS = 3;
const BASE_BACKOFF_MS = 500;
const MAX_RETRY_AFTER_MS = 10_000;
/** The shortest wait for one call before it counts as hung and is retried. */
const MIN_CALL_TIMEOUT_MS = 60_000;
/**
 * A non-streaming call answers only once its whole output is generated, thinking included:
 * assuming about 80 tokens a second, a turn that uses all of 16k needs over three minutes, which
 * a flat minute would cut off, retry and pay for again. The loop's deadline still bounds it.
 */
const CALL_MS_PER_OUTPUT_TOKEN = 12;

export type EngineErrorKind =
  | "rate_limited"
  | "spend_limit"
  | "overloaded"
  | "server_error"
  | "connection"
  | "timeout"
  | "auth"
  | "bad_request"
  | "deadline"
  | "unknown";

/** Why the model could not answer. `message` is ours, never the API's text (untrusted, may echo input). */
export interface EngineError {
  kind: EngineErrorKind;
  status: number | null;
  request_id: string | null;
  attempts: number;
  message: string;
}

export class EngineUnavailableError extends Error {
  override readonly name = "EngineUnavailableError";
  readonly engine: EngineError;
  constructor(engine: EngineError) {
    super(engine.message);
    this.engine = engine;
  }
}

/**
 * Built per invocation with every option explicit: the SDK would otherwise read `process.env`
 * and retry with uncapped `retry-after` waits inside a queue consumer. Retries are ours (below).
 */
export function createAnthropic(apiKey: string, baseURL: string): Anthropic {
  return new Anthropic({ apiKey, baseURL, maxRetries: 0, timeout: MIN_CALL_TIMEOUT_MS });
}

interface Classified {
  kind: EngineErrorKind;
  retryable: boolean;
  retry_after_ms?: number;
}

/** By class, never by message text (STYLE §2). Anything that is not the SDK's is our bug: rethrown. */
export function classifyModelError(error: unknown): Classified | undefined {
  if (error instanceof APIConnectionTimeoutError) return { kind: "timeout", retryable: true };
  if (error instanceof APIConnectionError) return { kind: "connection", retryable: true };
  if (error instanceof RateLimitError) {
    // A spend limit is not going away in seconds: retrying would only add load.
    if (error.errorCode === "enforced_spend_limit_reached") return { kind: "spend_limit", retryable: false };
    return { kind: "rate_limited", retryable: true, retry_after_ms: retryAfterMs(error.headers) };
  }
  if (error instanceof OverloadedError) return { kind: "overloaded", retryable: true };
  if (error instanceof InternalServerError) return { kind: "server_error", retryable: true };
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return { kind: "auth", retryable: false };
  }
  if (error instanceof APIError) return { kind: "bad_request", retryable: false };
  if (error instanceof AnthropicError) return { kind: "unknown", retryable: false };
  return undefined;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const seconds = Number.parseFloat(headers?.get("retry-after") ?? "");
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * One `messages.create`, retried on transient faults with capped backoff, never past the
 * deadline. Throws `EngineUnavailableError` when the model cannot answer.
 */
export async function createMessageWithRetries(
  client: Anthropic,
  params: MessageCreateParamsNonStreaming,
  deadline: number,
  now: () => number = Date.now,
): Promise<Message> {
  const callTimeout = Math.max(MIN_CALL_TIMEOUT_MS, params.max_tokens * CALL_MS_PER_OUTPUT_TOKEN);
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - now();
    if (remaining <= 0) throw unavailable({ kind: "deadline", retryable: false }, null, attempt - 1);
    try {
      return await client.messages.create(params, { timeout: Math.min(remaining, callTimeout) });
    } catch (error) {
      const classified = classifyModelError(error);
      if (!classified) throw error;
      if (!classified.retryable || attempt >= MODEL_CALL_ATTEMPTS) {
        throw unavailable(classified, error instanceof APIError ? error : null, attempt);
      }
      const backoff = Math.min(
        MAX_RETRY_AFTER_MS,
        classified.retry_after_ms ?? BASE_BACKOFF_MS * 2 ** (attempt - 1) * (1 + Math.random() * 0.2),
      );
      if (now() + backoff >= deadline) throw unavailable(classified, error instanceof APIError ? error : null, attempt);
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}

function unavailable(classified: Classified, error: APIError | null, attempts: number): EngineUnavailableError {
  const status = typeof error?.status === "number" ? error.status : null;
  return new EngineUnavailableError({
    kind: classified.kind,
    status,
    request_id: error?.requestID ?? null,
    attempts,
    message: `model API ${classified.kind}${status ? ` (HTTP ${status})` : ""} after ${attempts} attempt(s)`,
  });
}
