import type { z } from "zod";

export interface ZodErrorText {
  /** Where the value came from, put before each path (`payload`, `actions.0`). */
  prefix?: string;
  /** What to call the value itself when an issue has no path (`body`, `input`). */
  root?: string;
  /** At most this many issues. */
  max?: number;
}

/**
 * The one way a zod failure becomes text — HTTP answers, MCP tool errors, poison queue messages,
 * provider answers and tool inputs alike: one line per issue, e.g.
 * `limit: must be a whole number between 1 and 200`.
 */
export function zodProblems(error: z.ZodError, options: ZodErrorText = {}): string[] {
  return error.issues.slice(0, options.max ?? error.issues.length).map((issue) => {
    const path = [options.prefix ?? "", ...issue.path.map(String)].filter((part) => part !== "");
    const where = path.length ? path.join(".") : options.root;
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}

export function describeZodError(error: z.ZodError, options: ZodErrorText = {}): string {
  return zodProblems(error, options).join("; ");
}
