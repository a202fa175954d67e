import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// These tests start wrangler about twenty times a run (each stack, then `npx wrangler` for the
// checks and inside audit-verify.mjs), and each start compiled wrangler's bundle from scratch.
// Node's on-disk compile cache, passed on to those processes through the environment, keeps the
// compiled code between them (npm already keeps its own in the same default directory). Node
// checks every entry against the source it was compiled from, so a stale entry is never used.
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), "node-compile-cache");

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
