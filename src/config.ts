import { z } from "zod";

/**
 * Every variable and secret of DESIGN §9, parsed once at each entry point. Keys keep the
 * variable names so an operator can grep from the README's table straight to the code.
 */

/** Secrets are set with `wrangler secret put`, so `wrangler types` cannot see them. */
export const SECRET_NAMES = [
  "KORA_FLY_API_TOKEN",
  "KORA_SUPABASE_ACCESS_TOKEN",
  "KORA_VERCEL_TOKEN",
  "KORA_SENTRY_AUTH_TOKEN",
  "KORA_DOPPLER_TOKEN",
  "ANTHROPIC_API_KEY",
  "KORA_SLACK_BOT_TOKEN",
  "KORA_SLACK_SIGNING_SECRET",
  "KORA_OPERATOR_TOKEN",
  "KORA_MCP_CALLERS",
  "KORA_SENTRY_WEBHOOK_SECRET",
  "KORA_VERCEL_WEBHOOK_SECRET",
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/** The Worker's environment as it really arrives: generated bindings and vars, plus secrets. */
export type KoraEnv = Env & Partial<Record<SecretName, string>>;

/** Empty strings count as unset: `[vars]` declares every name with "" so types list them. */
const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

const baseUrl = (fallback: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => value || fallback)
    .pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));

const count = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? Number(value) : fallback))
    .pipe(
      z
        .number({ error: "must be a number" })
        .int({ error: "must be a whole number" })
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

/** Fly app names: lowercase letters, digits and dashes (what `fly apps create` accepts). */
const FLY_APP_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_FLY_APPS = 100;

/** `KORA_FLY_APPS`: comma-separated, in search order, each app once. */
const flyAppList = z
  .string()
  .optional()
  .transform((value) => [...new Set((value ?? "").split(",").map((app) => app.trim()))].filter(Boolean))
  .pipe(
    z
      .array(
        z.string().regex(FLY_APP_NAME, {
          error: "must be comma-separated Fly app names (lowercase letters, digits and dashes)",
        }),
      )
      .max(MAX_FLY_APPS, { error: `must name at most ${MAX_FLY_APPS} apps` }),
  );

/**
 * Long enough that guessing it is hopeless even for a client the login limit has not met yet
 * (`openssl rand -hex 32` gives 64 characters). The message never repeats the value.
 */
export const MIN_OPERATOR_TOKEN_CHARS = 32;
const operatorToken = optionalString.pipe(
  z
    .string()
    .min(MIN_OPERATOR_TOKEN_CHARS, {
      error: `must be at least ${MIN_OPERATOR_TOKEN_CHARS} characters (generate one with \`openssl rand -hex 32\`)`,
    })
    .optional(),
);

export const McpCaller = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: "id must match [A-Za-z0-9_.-]{1,64}" }),
  token_sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: "token_sha256 must be 64 lowercase hex characters" }),
  caps: z.array(z.string()).default([]),
});
export type McpCaller = z.infer<typeof McpCaller>;

const mcpCallers = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (!value) return [];
    try {
      return JSON.parse(value) as unknown;
    } catch {
      // Never echo the value: it holds token hashes.
      ctx.addIssue({ code: "custom", message: "is not valid JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.array(McpCaller));

export const Config = z.object({
  KORA_FLY_API_TOKEN: optionalString,
  KORA_SUPABASE_ACCESS_TOKEN: optionalString,
  KORA_VERCEL_TOKEN: optionalString,
  KORA_SENTRY_AUTH_TOKEN: optionalString,
  KORA_DOPPLER_TOKEN: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  KORA_SLACK_BOT_TOKEN: optionalString,
  KORA_SLACK_SIGNING_SECRET: optionalString,
  KORA_OPERATOR_TOKEN: operatorToken,
  KORA_MCP_CALLERS: mcpCallers,
  /** Unset → that webhook route answers 503 (DESIGN §13). */
  KORA_SENTRY_WEBHOOK_SECRET: optionalString,
  KORA_VERCEL_WEBHOOK_SECRET: optionalString,

  KORA_FLY_APPS: flyAppList,
  KORA_FLY_APP_NAME: optionalString,
  KORA_FLY_STAGING_APP_NAME: optionalString,
  KORA_SUPABASE_PROJECT_REF: optionalString,
  KORA_VERCEL_PROJECT_ID: optionalString,
  KORA_VERCEL_TEAM_ID: optionalString,
  KORA_SENTRY_ORG: optionalString,
  KORA_SENTRY_PROJECT: optionalString,
  KORA_DOPPLER_PROJECT: optionalString,
  KORA_DOPPLER_CONFIG: optionalString,

  KORA_FLY_API_BASE_URL: baseUrl("https://api.machines.dev"),
  KORA_SUPABASE_API_BASE_URL: baseUrl("https://api.supabase.com"),
  KORA_VERCEL_API_BASE_URL: baseUrl("https://api.vercel.com"),
  KORA_SENTRY_API_BASE_URL: baseUrl("https://sentry.io"),
  KORA_DOPPLER_API_BASE_URL: baseUrl("https://api.doppler.com"),
  KORA_SLACK_API_BASE_URL: baseUrl("https://slack.com/api/"),
  ANTHROPIC_BASE_URL: baseUrl("https://api.anthropic.com"),

  KORA_MODEL: optionalString.transform((value) => value ?? "claude-sonnet-5-5"),
  KORA_ECONOMY_MODEL: optionalString.transform((value) => value ?? "claude-haiku-4-5"),
  /** `output_config.effort` for the models that take it (src/reasoning/model-call.ts). */
  KORA_MODEL_EFFORT: optionalString
    .transform((value) => value ?? "medium")
    .pipe(z.enum(["low", "medium", "high"], { error: "must be low, medium or high" })),
  KORA_DAILY_BUDGET_USD: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? Number(value) : 5))
    .pipe(z.number({ error: "must be a number" }).nonnegative({ error: "must not be negative" })),

  KORA_SLACK_OPERATOR_USER_ID: optionalString,
  KORA_OPERATOR_EMAIL: optionalString.pipe(z.email({ error: "must be an email address" }).optional()),
  KORA_EMAIL_FROM: optionalString.pipe(z.email({ error: "must be an email address" }).optional()),

  KORA_WAKE_AFTER_CYCLES: count(2, 1, 60),
  KORA_WAKE_COOLDOWN_MINUTES: count(30, 0, 10_080),
  KORA_AUTOFIX_MAX_RESTARTS: count(3, 0, 100),
  /** Autonomous restarts (reasoning and MCP, not operator approvals) per hour across every machine. */
  KORA_AUTOFIX_MAX_FLEET_RESTARTS: count(6, 0, 1_000),
  KORA_APPROVAL_TTL_MINUTES: count(60, 1, 1_440),
  /** Shadow mode (DESIGN §12): a decision still unhealthy this long after is labeled `needed`. */
  KORA_SHADOW_LABEL_MINUTES: count(10, 1, 1_440),
  /** Incidents (DESIGN §11): healthy cycles before an incident is over, and what counts as flapping. */
  KORA_RESOLVE_AFTER_CYCLES: count(3, 1, 60),
  KORA_FLAP_CHANGES: count(4, 2, 100),
  KORA_FLAP_WINDOW_MINUTES: count(30, 1, 1_440),

  /** Per provider call, counted from when the call gets one of the six connections. */
  KORA_PROBE_TIMEOUT_MS: count(8_000, 100, 25_000),
  /** Sentry: error events in the window above which the project is unhealthy. */
  KORA_SENTRY_ERROR_THRESHOLD: count(50, 1, 1_000_000),
  KORA_SENTRY_WINDOW_MINUTES: count(5, 1, 60),
});
export type Config = z.infer<typeof Config>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`configuration error: ${variable} ${problem}`);
    this.variable = variable;
  }
}

/**
 * Parses the environment, throwing one ConfigError that names the first bad variable. Messages
 * come from the schema, never from the value, so a secret cannot leak through an error.
 */
export function parseConfig(env: KoraEnv): Config {
  const result = Config.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = String(issue?.path[0] ?? "environment");
  const where = issue && issue.path.length > 1 ? ` (at ${issue.path.slice(1).join(".")})` : "";
  throw new ConfigError(variable, `${issue?.message ?? "is invalid"}${where}`);
}

/** Values that must never be written to an audit row or a log line. */
export function secretValues(env: KoraEnv): string[] {
  return SECRET_NAMES.map((name) => env[name]?.trim()).filter(
    (value): value is string => typeof value === "string" && value.length >= 6,
  );
}
