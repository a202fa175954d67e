import { z } from "zod";
import type { Config, KoraEnv } from "../config";
import type { ProbeName } from "./probes";

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
  /**
   * The incident a reasoning call works on (DESIGN §4 gate 5): a fix from the loop must name one
   * of these targets, and a Fly machine is looked for in its `fly_app` first. Absent for MCP
   * callers and operators, who are not bound to one incident.
   */
  incident?: IncidentScope;
}

export interface IncidentScope {
  /** The incident's id: its opening wake's caller_session_id. */
  incident_id: string;
  wake_id: string;
  probe: ProbeName;
  targets: { target: string; fly_app?: string }[];
}
