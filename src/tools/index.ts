/** The public entry of tools/: what other folders may import. Everything else here is internal. */
export { AUTOFIX_TOOL_NAME, getTool, REASONING_TOOL_ALLOWLIST, TOOLS } from "./registry";
export type { ToolDefinition, ToolResult } from "./tool";
