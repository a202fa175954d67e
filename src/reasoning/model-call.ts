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

/** How many times one turn is tried before the engine counts as unavailable. */
export const MODEL_CALL_ATTEMPTS = 3;
const BASE_BACKOFF_MS = 500;
const MAX_RETRY_AFTER_MS = 10_000;

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
  return new Anthropic({ apiKey, baseURL, maxRetries: 0, timeout: 60_000 });
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
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - now();
    if (remaining <= 0) throw unavailable({ kind: "deadline", retryable: false }, null, attempt - 1);
    try {
      return await client.messages.create(params, { timeout: Math.min(remaining, 60_000) });
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
