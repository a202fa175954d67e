import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, vi } from "vitest";

// Runs before every test file. All files share one workerd runtime (`isolate: false` in
// vitest.config.ts), so storage is not thrown away between files: this gives each file what a
// runtime of its own would give it — a D1 holding nothing but the real migrations, and an empty
// R2 bucket. Queued messages and `waitUntil` work are not reset: today no test sends to the real
// queue (the probe tests record their wakes), and the routes that use `waitUntil` (Slack clicks,
// provider webhooks) are called with an execution context the test waits on. A test that uses the
// real queue must see its messages consumed before it ends, or they would arrive during a later file.
await dropEverything(env.DB);
await emptyBucket(env.AUDIT_BUCKET);
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// A spy a file leaves in place would otherwise outlive it too.
afterAll(() => {
  vi.restoreAllMocks();
});

/** Drops every table, view and trigger, including the migrations ledger, so all migrations run again. */
async function dropEverything(db: D1Database): Promise<void> {
  const { results } = await db
    .prepare(
      "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') " +
        "AND substr(name, 1, 7) <> 'sqlite_' AND substr(name, 1, 4) <> '_cf_'",
    )
    .all<{ type: "table" | "view" | "trigger"; name: string }>();
  if (results.length === 0) return;
  // Deferred foreign keys let tables go in any order; the batch is one transaction.
  await db.batch([
    db.prepare("PRAGMA defer_foreign_keys = on"),
    ...results.map(({ type, name }) => db.prepare(`DROP ${type.toUpperCase()} IF EXISTS "${name}"`)),
  ]);
}

async function emptyBucket(bucket: R2Bucket): Promise<void> {
  for (;;) {
    const { objects } = await bucket.list({ limit: 1000 });
    if (objects.length === 0) return;
    await bucket.delete(objects.map((object) => object.key));
  }
}
