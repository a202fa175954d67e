import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Runs in every test file's isolated storage before its tests.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
