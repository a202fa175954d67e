import { defineConfig } from "vitest/config";

/**
 * Pure CPU benchmarks (no bindings) run under Node: workerd's clock only moves on I/O, so it
 * cannot time sub-millisecond work.
 */
export default defineConfig({
  test: {
    include: ["bench/**/*.node-bench.ts"],
    environment: "node",
    testTimeout: 600_000,
    onConsoleLog: (log: string) => log.startsWith("kora_bench "),
  },
});
