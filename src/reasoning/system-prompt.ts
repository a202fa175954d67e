import type { TextBlockParam } from "@anthropic-ai/sdk/resources/messages";
import SYSTEM_PROMPT_TEXT from "./system-prompt.md";

export const SYSTEM_PROMPT = SYSTEM_PROMPT_TEXT;

/**
 * The system prompt as one cached block. It holds nothing that changes between wakes (no date,
 * no target, no config): any changed byte before the breakpoint would defeat the cache.
 */
export const SYSTEM_BLOCKS: TextBlockParam[] = [
  { type: "text", text: SYSTEM_PROMPT_TEXT, cache_control: { type: "ephemeral" } },
];
