/** One bucket of Sentry's `events-timeseries` answer (timestamps in ms). */
export interface ErrorBucket {
  timestamp: number;
  value: number;
  incomplete: boolean;
}

export type ErrorWindow =
  | {
      readable: true;
      /** The count the verdict rests on: see `countErrorWindow`. */
      errors: number;
      /** Errors in the newest `window` minutes Sentry has finished counting. */
      complete_errors: number;
      /** Buckets still inside Sentry's ingestion delay (their counts can only grow). */
      incomplete_buckets: number;
      /** End of the newest complete bucket, ISO. */
      counted_until: string;
    }
  | { readable: false; reason: string };

/**
 * Counts the error events of the last `windowMinutes` (pure). Sentry marks the newest buckets
 * `incomplete` while events may still be arriving (its ingestion delay, 90 s); their counts are
 * lower bounds, never zeros. So the count is the larger of two readings: the newest full window
 * of complete buckets (what a "healthy" verdict may rest on), and the newest window of all
 * buckets with the incomplete ones at their lower bound (so a spike already visible is not held
 * back a few minutes). An answer with too few complete buckets to fill the window is unreadable:
 * missing minutes are not quiet minutes.
 */
export function countErrorWindow(
  buckets: readonly ErrorBucket[],
  options: { intervalMs: number; windowMinutes: number },
): ErrorWindow {
  const windowMs = options.windowMinutes * 60_000;
  const { intervalMs } = options;
  if (!(intervalMs > 0) || windowMs % intervalMs !== 0) {
    return {
      readable: false,
      reason: `buckets of ${intervalMs / 1000} s do not divide a ${options.windowMinutes}-minute window`,
    };
  }
  const perWindow = windowMs / intervalMs;
  const sorted = [...buckets].sort((a, b) => a.timestamp - b.timestamp);
  const complete = sorted.filter((bucket) => !bucket.incomplete);
  if (complete.length < perWindow) {
    return {
      readable: false,
      reason: `only ${complete.length} of the ${perWindow} buckets of the window are complete`,
    };
  }
  const completeWindow = complete.slice(-perWindow);
  const newestWindow = sorted.slice(-perWindow);
  const completeErrors = sum(completeWindow);
  const newest = completeWindow.at(-1);
  return {
    readable: true,
    errors: Math.max(completeErrors, sum(newestWindow)),
    complete_errors: completeErrors,
    incomplete_buckets: sorted.length - complete.length,
    counted_until: new Date((newest?.timestamp ?? 0) + intervalMs).toISOString(),
  };
}

function sum(buckets: readonly ErrorBucket[]): number {
  return buckets.reduce((total, bucket) => total + bucket.value, 0);
}
