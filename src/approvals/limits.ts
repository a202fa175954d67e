import type { ExecutorLimits } from "../autofix/limits";

/**
 * A click's fix runs in `waitUntil` after Slack has its 200, and Cloudflare cancels `waitUntil`
 * work 30 s after the response. Every bound here keeps the whole fix, its audit row and the DM
 * update well inside that; a machine slower to come back is reported `unknown`, not lost.
 */
export const APPROVAL_EXECUTOR_LIMITS: ExecutorLimits = {
  request_timeout_ms: 4_000,
  recovery_bound_ms: 12_000,
  wait_chunk_seconds: 4,
  checks_poll_ms: 1_000,
};
