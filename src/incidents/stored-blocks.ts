import type { AnyMessageBlock } from "slack-web-api-client";
import { z } from "zod";

const StoredBlocks = z.array(z.looseObject({ type: z.string(), block_id: z.string().optional() }));

/**
 * The blocks of a DM as `slack_dm_log` keeps them (JSON text), to send again in an edit. Only
 * their outline is checked here; Slack validates the rest on chat.update. A row that no longer
 * parses gives no blocks, and the edit then carries its own.
 */
export function parseStoredBlocks(text: string | null): AnyMessageBlock[] {
  if (text === null) return [];
  try {
    const parsed = StoredBlocks.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as unknown as AnyMessageBlock[]) : [];
  } catch {
    return [];
  }
}
