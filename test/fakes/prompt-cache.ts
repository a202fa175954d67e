/**
 * Prompt caching as the Messages API reports it. The prompt is read in the API's order —
 * tools, then system, then messages — as a list of blocks; a block with `cache_control` is a
 * breakpoint. A prefix up to a breakpoint that was seen (same model, same bytes) within the last
 * five minutes counts as `cache_read_input_tokens`; the part up to the last breakpoint beyond it
 * is written now (`cache_creation_input_tokens`); the rest is plain `input_tokens`. Any changed
 * byte before a breakpoint gives that prefix a new hash, so it misses — as the real cache does.
 *
 * Token counts are an approximation (four characters a token); the minimum cacheable prefix is
 * the API's 1,024 tokens.
 */
import { createHash } from "node:crypto";
import type { ContentBlock, MessagesRequest } from "./anthropic.ts";

export const CACHE_TTL_MS = 5 * 60 * 1000;
export const MIN_CACHEABLE_TOKENS = 1024;

export interface PromptBlock {
  text: string;
  breakpoint: boolean;
}

export const tokensOf = (text: string): number => Math.ceil(text.length / 4);

/** The prompt as ordered blocks; `cache_control` itself is not part of the cached bytes. */
export function promptBlocks(body: MessagesRequest): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  const push = (prefix: string, block: ContentBlock | string) => {
    if (typeof block === "string") {
      blocks.push({ text: `${prefix}${block}`, breakpoint: false });
      return;
    }
    const { cache_control: cacheControl, ...rest } = block;
    blocks.push({ text: `${prefix}${JSON.stringify(rest)}`, breakpoint: cacheControl !== undefined });
  };
  for (const tool of body.tools ?? []) push("tool:", tool);
  if (typeof body.system === "string") push("system:", body.system);
  else for (const block of body.system ?? []) push("system:", block);
  for (const message of body.messages) {
    if (typeof message.content === "string") push(`${message.role}:`, message.content);
    else for (const block of message.content) push(`${message.role}:`, block);
  }
  return blocks;
}

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

export class PromptCache {
  #expiry = new Map<string, number>();

  usageFor(model: string, blocks: PromptBlock[], now: number): CacheUsage {
    const hash = createHash("sha256").update(`model:${model}`);
    let tokens = 0;
    const prefixes: { key: string; tokens: number }[] = [];
    for (const block of blocks) {
      hash.update(`\u0000${block.text}`);
      tokens += tokensOf(block.text);
      if (block.breakpoint && tokens >= MIN_CACHEABLE_TOKENS) {
        prefixes.push({ key: hash.copy().digest("hex"), tokens });
      }
    }
    const total = tokens;
    let read = 0;
    for (const prefix of prefixes) {
      if ((this.#expiry.get(prefix.key) ?? 0) > now) read = Math.max(read, prefix.tokens);
    }
    const lastPrefix = prefixes.at(-1)?.tokens ?? 0;
    const creation = Math.max(0, lastPrefix - read);
    // Reading a prefix refreshes its lifetime; writing one starts it.
    for (const prefix of prefixes) this.#expiry.set(prefix.key, now + CACHE_TTL_MS);
    return {
      input_tokens: total - read - creation,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: creation, ephemeral_1h_input_tokens: 0 },
    };
  }
}
