import type { Config, KoraEnv } from "../config";
import { createFlyClient } from "../fly/client";
import { FLY_RESTART_FIX, type AuditSource } from "../contracts";
import { executeFlyRestart, type ExecutorResult } from "./fly-executor";
import type { ExecutorLimits } from "./limits";

export interface ExecutorContext {
  env: KoraEnv;
  config: Config;
  now: Date;
  limits: ExecutorLimits;
  caller_session_id: string;
  source: AuditSource;
  /** From the incident scope (reasoning only): the incident, and where its wake saw the target. */
  incident_id?: string;
  fly_app?: string;
  /** `shadow`: gate 5 runs, then nothing is leased or sent (DESIGN §12). */
  mode: "on" | "shadow";
}

export type FixExecutor = (targetId: string, ctx: ExecutorContext) => Promise<ExecutorResult>;

/** One executor per canonical fix name: a new envelope adds its entry here. */
export const FIX_EXECUTORS: Readonly<Record<string, FixExecutor>> = {
  [FLY_RESTART_FIX]: (targetId, ctx) =>
    executeFlyRestart(
      {
        target_id: targetId,
        source: ctx.source,
        caller_session_id: ctx.caller_session_id,
        ...(ctx.incident_id === undefined ? {} : { incident_id: ctx.incident_id }),
        ...(ctx.fly_app === undefined ? {} : { fly_app: ctx.fly_app }),
      },
      {
        client: createFlyClient(ctx.config, { timeoutMs: ctx.limits.request_timeout_ms }),
        env: ctx.env,
        config: ctx.config,
        now: ctx.now,
        limits: ctx.limits,
        lease_description: `kora autofix ${FLY_RESTART_FIX} (${ctx.caller_session_id})`.slice(0, 200),
        mode: ctx.mode,
      },
    ),
};
