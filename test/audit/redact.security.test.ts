import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets, redactThenClip } from "../../src/audit/redact";

/** A token whose first eight characters repeat inside it, so a cut can land on either copy. */
const TOKEN = "fo1_tok1fo1_tok1-9f8e7d6c5b4a";
const OTHER = "sk-fake-anthropic-key-0123456789";

describe("the redactor, on text a clip already cut", () => {
  it("removes the whole start of a token left at the cut, not only its last eight characters", () => {
    const clipped = `Fly answered 401: bad token ${TOKEN.slice(0, 16)}…`;
    const { value, redacted } = redactSecrets(clipped, [OTHER, TOKEN]);
    expect(redacted).toBe(true);
    expect(value).toBe(`Fly answered 401: bad token ${REDACTED}…`);
    expect(value).not.toContain(TOKEN.slice(0, 8));
  });

  it("finds the start of a token before the audit bound's marker too", () => {
    const clipped = `${"x".repeat(5000)} ${TOKEN.slice(0, 12)}…[truncated, 60000 chars]`;
    expect(redactSecrets(clipped, [TOKEN]).value).toBe(`${"x".repeat(5000)} ${REDACTED}…[truncated, 60000 chars]`);
  });

  it("leaves a token's public prefix and a start in the middle of a text alone", () => {
    const prefix = `the key starts ${OTHER.slice(0, 7)}`;
    const middle = `${TOKEN.slice(0, 10)} is not at the end of this text`;
    expect(redactSecrets(prefix, [OTHER, TOKEN])).toEqual({ value: prefix, redacted: false });
    expect(redactSecrets(middle, [OTHER, TOKEN])).toEqual({ value: middle, redacted: false });
  });

  it("redacts before it clips, so a token across the cut leaves none of its characters", () => {
    const text = `${"x".repeat(190)}bad token ${TOKEN} (not valid)`;
    const clipped = redactThenClip(text, [TOKEN], 200);
    expect(clipped).toHaveLength(200);
    expect(clipped).not.toContain(TOKEN.slice(0, 5));
    expect(clipped.endsWith("…")).toBe(true);
  });

  it("redacts before it clips, even when the cut would leave fewer characters than the backstop looks for", () => {
    // Clipped first, this would end in the token's first six characters: too few for
    // redactSecrets to take for a token's start, so only the order protects them.
    const clipped = redactThenClip(`${"x".repeat(193)}${TOKEN}`, [TOKEN], 200);
    expect(clipped).toBe(`${"x".repeat(193)}${REDACTED.slice(0, 6)}…`);
    expect(clipped).not.toContain(TOKEN.slice(0, 4));
  });
});
