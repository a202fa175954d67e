import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { fakeWorldBindings, TEST_SECRETS } from "./test/fakes/bindings.ts";

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => {
      const worldUrl = inject("fakeWorldUrl");
      return {
        wrangler: { configPath: "./wrangler.toml" },
        remoteBindings: false,
        miniflare: {
          bindings: {
            ...fakeWorldBindings(worldUrl),
            ...TEST_SECRETS,
            FAKE_WORLD_URL: worldUrl,
            TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          },
          queueConsumers: {
            "kora-wake": { maxBatchTimeout: 0.05, maxRetries: 2, deadLetterQueue: "kora-wake-dlq" },
            "kora-wake-dlq": { maxBatchTimeout: 0.05 },
          },
          // Every outbound request from the Worker lands here: the fake world passes, anything
          // else is refused, so no test can reach the internet.
          outboundService: async (request: Request) => {
            const target = new URL(request.url);
            if (target.origin !== new URL(worldUrl).origin) {
              return new Response(`outbound request to ${target.host} refused by the test guard`, { status: 403 });
            }
            const hasBody = request.method !== "GET" && request.method !== "HEAD";
            return fetch(request.url, {
              method: request.method,
              headers: request.headers,
              body: hasBody ? await request.arrayBuffer() : undefined,
              redirect: "manual",
            });
          },
        },
      };
    }),
  ],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/apply-migrations.ts", "./test/contract-guard.ts"],
    // One fake world serves every test file, so files run one after another and each test
    // resets the world it uses.
    fileParallelism: false,
    // ...and all of them in one workerd runtime: starting a runtime and loading the Worker's
    // modules again for each file cost about ten seconds a file. The Worker keeps no state in
    // its modules; test/apply-migrations.ts empties D1 and R2 and applies the migrations before
    // each file.
    isolate: false,
    testTimeout: 20_000,
    // Audit rows print one JSON line each (the live feed); keep them out of test output.
    onConsoleLog: (log) => !log.includes('"kora_audit"'),
    hookTimeout: 20_000,
  },
});
