/** The public entry of mcp/: what other folders may import. Everything else here is internal. */
export { CALLER_REFUSAL_MESSAGES, identifyMcpCaller } from "./callers";
export { buildKoraMcpServer } from "./server";
