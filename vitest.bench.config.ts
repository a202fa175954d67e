import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

/** `npm run bench`: the bench/ files, in workerd against the fake world, one after another. */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ["bench/**/*.bench.ts"],
      testTimeout: 600_000,
      hookTimeout: 600_000,
      onConsoleLog: (log: string) => log.startsWith("kora_bench "),
    },
  }),
);
