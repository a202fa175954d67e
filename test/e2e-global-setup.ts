import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { migrateLocalState } from "../scripts/local-stack.mjs";

/**
 * Migrates one local state for the whole end-to-end run; each test file's stack starts from a
 * copy of it (`startLocalStack({ migratedFrom })`), the same database `wrangler d1 migrations
 * apply` would give it, for one run of wrangler instead of one per file.
 */
export default function setup(project: TestProject) {
  const migrated = mkdtempSync(join(tmpdir(), "kora-migrated-"));
  migrateLocalState(migrated);
  project.provide("migratedState", migrated);
  return () => rmSync(migrated, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    migratedState: string;
  }
}
