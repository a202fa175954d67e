import { afterEach, beforeAll } from "vitest";
import { describeViolation, world } from "./world";

/**
 * Fails any test during which Kora sent a request, or a fake gave an answer, that the provider's
 * published contract does not allow (test/contracts/). Known drifts of Kora's own clients
 * (test/contracts/known-drifts.ts) are reported by the world but do not fail a test.
 *
 * One control call per test: each test's window runs from the previous test's check (so it
 * includes its own beforeEach hooks) to its own.
 */
let since = 0;

beforeAll(async () => {
  since = (await world.contracts.violations(Number.MAX_SAFE_INTEGER)).last_seq;
});

afterEach(async () => {
  const { last_seq, violations } = await world.contracts.violations(since);
  since = last_seq;
  const unexpected = violations.filter((v) => v.known_drift === null);
  if (unexpected.length > 0) {
    throw new Error(
      `provider contract violated (test/contracts/):\n${unexpected.map((v) => `  ${describeViolation(v)}`).join("\n")}`,
    );
  }
});
