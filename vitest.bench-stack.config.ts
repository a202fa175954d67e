import { defineConfig } from "vitest/config";

/**
 * Benchmarks of the real Worker under `wrangler dev` (scripts/local-stack.mjs), driven from Node
 * over HTTP: what the local runtime does between two handlers, such as a queue's batching.
 */
export default defineConfig({
  test: {
    include: ["bench/**/*.stack-bench.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    onConsoleLog: (log: string) => log.startsWith("kora_bench "),
  },
});
