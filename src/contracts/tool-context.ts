import { z } from "zod";
import type { Config, KoraEnv } from "../config";

/** Who wrote an audit row (DESIGN §7). */
export const AuditSource = z.enum(["cron", "reasoning", "mcp", "operator", "system"]);
export type AuditSource = z.infer<typeof AuditSource>;

/**
 * Who is calling a tool. Both front ends (the reasoning loop and MCP) build one of these, so a
 * tool never needs to know which one called it; audit rows take `caller_session_id` and
 * `source` from here.
 */
export interface ToolContext {
  env: KoraEnv;
  config: Config;
  caller_session_id: string;
  source: AuditSource;
  now: () => Date;
}
