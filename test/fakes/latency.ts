/**
 * A provider's answer delay, set for any fake through the world's control API
 * (`POST /__control/<name>/latency {"ms": N}`), so benchmarks can measure a cycle's wall time
 * against slow providers. The wait ends early if the client hangs up.
 */
export class Latency {
  ms = 0;

  set(input: unknown): { ms: number } {
    const ms = Number((input as { ms?: unknown }).ms ?? 0);
    if (!Number.isFinite(ms) || ms < 0) throw new Error("latency ms must be a non-negative number");
    this.ms = ms;
    return { ms };
  }

  wait(signal: AbortSignal): Promise<void> {
    if (this.ms <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.ms);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
