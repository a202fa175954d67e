import { defineConfig } from "vitest/config";

/**
 * End-to-end and browser tests: Node drives the real Worker under `wrangler dev` from outside,
 * over HTTP only (scripts/local-stack.mjs), the way an operator or an MCP client would.
 */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts", "test/browser/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["./test/e2e-global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
