/**
 * How outside text reaches the model (DESIGN §5): as JSON inside a named fence, never as prose
 * of Kora's own. The system prompt names the fences and says their content is data.
 */
export type UntrustedFence = "untrusted_probe_data" | "untrusted_tool_result";

/**
 * JSON whose strings cannot close the fence around them: `<`, `>` and backticks become JSON
 * escapes, which are still the same JSON values but no longer markup.
 */
export function fencedJson(value: unknown, options: { indent?: number } = {}): string {
  return JSON.stringify(value, null, options.indent)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/`/g, "\\u0060");
}

/** `json` (from fencedJson, so it cannot close the fence) inside the fence `tag`. */
export function fenced(tag: UntrustedFence, json: string): string {
  return `<${tag}>\n\`\`\`json\n${json}\n\`\`\`\n</${tag}>`;
}
