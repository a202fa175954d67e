/**
 * Fake Slack Web API (`/api/chat.postMessage`, `/api/chat.update`), shapes from
 * docs/provider-apis.md §2: form-encoded or JSON bodies (slack-web-api-client sends forms, with
 * `blocks` as a JSON string), HTTP 200 with `ok:false` for API errors, and `ratelimited` as a
 * 429 with `Retry-After`. Posting to a user id answers with the bot's IM channel (`D…`).
 * Every accepted post is kept so tests and the demo can read what the operator was told: thread
 * replies (`thread_ts`, always a parent's `ts`; `reply_broadcast` when the reply also shows in the
 * conversation and notifies) and every `chat.update` of a message, newest last.
 */
import type { FakeRequest, FakeResponse, ProviderFake, RecordedRequest } from "./world.ts";

export interface SlackPost {
  channel: string;
  user_channel: string;
  ts: string;
  text: string;
  blocks: unknown[] | null;
  thread_ts: string | null;
  /** A thread reply that also shows in the conversation (and notifies like a new message). */
  reply_broadcast: boolean;
  updates: { text: string; blocks: unknown[] | null; at: string }[];
}

interface ArmedError {
  method: string;
  error: string;
  remaining: number;
}

const BOT_TOKEN = /^Bearer\s+xox[bp]-\S+$/i;

export class SlackFake implements ProviderFake {
  readonly name = "slack";
  posts: SlackPost[] = [];
  #errors: ArmedError[] = [];
  #ratelimits: { remaining: number; retry_after: number }[] = [];
  #tsSeq = 0;

  reset(): void {
    this.posts = [];
    this.#errors = [];
    this.#ratelimits = [];
    this.#tsSeq = 0;
  }

  control(command: string, body: unknown): unknown {
    const input = (body ?? {}) as Record<string, unknown>;
    switch (command) {
      case "posts":
        return { posts: this.posts };
      case "fail":
        // The next `times` calls of `method` answer HTTP 200 `{ ok:false, error }`.
        this.#errors.push({
          method: String(input.method ?? "chat.postMessage"),
          error: String(input.error ?? "channel_not_found"),
          remaining: Number(input.times ?? 1),
        });
        return { ok: true };
      case "ratelimit":
        this.#ratelimits.push({ remaining: Number(input.times ?? 1), retry_after: Number(input.retry_after ?? 1) });
        return { ok: true };
      default:
        throw new Error(`unknown slack control "${command}"`);
    }
  }

  isMutating(request: RecordedRequest): boolean {
    return request.path === "/api/chat.postMessage" || request.path === "/api/chat.update";
  }

  handle(request: FakeRequest): FakeResponse {
    const method = request.path.replace(/^\/api\//, "");
    if (request.method !== "POST") return ok200({ ok: false, error: "method_not_supported_for_channel_type" });
    const limited = this.#ratelimits.find((entry) => entry.remaining > 0);
    if (limited) {
      limited.remaining -= 1;
      return {
        status: 429,
        headers: { "retry-after": String(limited.retry_after) },
        body: { ok: false, error: "ratelimited" },
      };
    }
    const auth = request.headers.authorization ?? "";
    if (!auth) return ok200({ ok: false, error: "not_authed" });
    if (!BOT_TOKEN.test(auth)) return ok200({ ok: false, error: "invalid_auth" });
    const armed = this.#errors.find((entry) => entry.remaining > 0 && entry.method === method);
    if (armed) {
      armed.remaining -= 1;
      return ok200({ ok: false, error: armed.error });
    }
    const params = parseParams(request);
    if (!params) return ok200({ ok: false, error: "invalid_form_data" });
    switch (method) {
      case "chat.postMessage":
        return this.#postMessage(params);
      case "chat.update":
        return this.#update(params);
      default:
        return { status: 404, body: { ok: false, error: "unknown_method" } };
    }
  }

  #postMessage(params: Record<string, unknown>): FakeResponse {
    const channel = String(params.channel ?? "");
    if (!channel) return ok200({ ok: false, error: "channel_not_found" });
    const parsed = parseBlocks(params.blocks);
    if (parsed === "invalid") return ok200({ ok: false, error: "invalid_blocks" });
    const text = String(params.text ?? "");
    if (!text && !parsed) return ok200({ ok: false, error: "no_text" });
    if (text.length > 40_000) return ok200({ ok: false, error: "msg_too_long" });
    const imChannel = channel.startsWith("U") ? `D${channel.slice(1)}` : channel;
    const threadTs = params.thread_ts ? String(params.thread_ts) : null;
    const ts = this.#nextTs();
    this.posts.push({
      channel: imChannel,
      user_channel: channel,
      ts,
      text,
      blocks: parsed,
      thread_ts: threadTs,
      reply_broadcast: threadTs !== null && (params.reply_broadcast === true || params.reply_broadcast === "true"),
      updates: [],
    });
    return ok200({
      ok: true,
      channel: imChannel,
      ts,
      message: {
        type: "message",
        subtype: "bot_message",
        text,
        ts,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        bot_id: "BKORA",
        user: "UKORABOT",
        blocks: parsed ?? [],
      },
    });
  }

  #update(params: Record<string, unknown>): FakeResponse {
    const post = this.posts.find((p) => p.channel === params.channel && p.ts === params.ts);
    if (!post) return ok200({ ok: false, error: "message_not_found" });
    const parsed = parseBlocks(params.blocks);
    if (parsed === "invalid") return ok200({ ok: false, error: "invalid_blocks" });
    const text = String(params.text ?? post.text);
    post.updates.push({ text, blocks: parsed, at: new Date().toISOString() });
    post.text = text;
    if (parsed) post.blocks = parsed;
    return ok200({ ok: true, channel: post.channel, ts: post.ts, text, message: { text, blocks: post.blocks ?? [] } });
  }

  #nextTs(): string {
    this.#tsSeq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.#tsSeq).padStart(6, "0")}`;
  }
}

const ok200 = (body: unknown): FakeResponse => ({ status: 200, body });

function parseParams(request: FakeRequest): Record<string, unknown> | undefined {
  const type = request.headers["content-type"] ?? "";
  if (type.includes("application/json")) {
    try {
      return JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(request.body));
}

/** `blocks` arrive as a JSON string in a form body, or as an array in a JSON body. */
function parseBlocks(value: unknown): unknown[] | null | "invalid" {
  if (value === undefined || value === null || value === "") return null;
  let blocks: unknown = value;
  if (typeof value === "string") {
    try {
      blocks = JSON.parse(value);
    } catch {
      return "invalid";
    }
  }
  if (!Array.isArray(blocks) || blocks.length > 50) return "invalid";
  if (!blocks.every((block) => typeof block === "object" && block !== null && "type" in block)) return "invalid";
  return blocks;
}
