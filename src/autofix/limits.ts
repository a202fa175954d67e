import { DEFAULT_FLY_TIMEOUT_MS } from "../fly/client";

/** Time bounds of one fix. Defaults suit production; tests pass shorter ones. */
export interface ExecutorLimits {
  /** Bound on each ordinary Fly call. */
  request_timeout_ms: number;
  /** From the action to the verdict: past it the outcome is `unknown`. */
  recovery_bound_ms: number;
  /**
   * Each `wait` call blocks at most this long. Shorter than Fly's 60 s so a machine that falls
   * back to `stopped` is noticed within seconds, not after the whole bound.
   */
  wait_chunk_seconds: number;
  /** Pause between re-reads while a started machine's checks settle (Get Machine: 5 req/s). */
  checks_poll_ms: number;
}

export const DEFAULT_EXECUTOR_LIMITS: ExecutorLimits = {
  request_timeout_ms: DEFAULT_FLY_TIMEOUT_MS,
  recovery_bound_ms: 60_000,
  wait_chunk_seconds: 10,
  checks_poll_ms: 1_000,
};

/** The lease outlives the whole fix, so a slow start is never left unprotected. */
export function leaseTtlSeconds(limits: ExecutorLimits): number {
  return Math.ceil((limits.recovery_bound_ms + 4 * limits.request_timeout_ms) / 1000) + 30;
}
