/** Points every `*_API_BASE_URL` variable at a fake world (tests, local dev and the demo). */
export function fakeWorldBindings(worldUrl: string): Record<string, string> {
  return {
    KORA_FLY_API_BASE_URL: `${worldUrl}/fly`,
    KORA_SUPABASE_API_BASE_URL: `${worldUrl}/supabase`,
    KORA_VERCEL_API_BASE_URL: `${worldUrl}/vercel`,
    KORA_SENTRY_API_BASE_URL: `${worldUrl}/sentry`,
    KORA_DOPPLER_API_BASE_URL: `${worldUrl}/doppler`,
    KORA_SLACK_API_BASE_URL: `${worldUrl}/slack/api/`,
    ANTHROPIC_BASE_URL: `${worldUrl}/anthropic`,
  };
}

/** Values the fakes accept. Not real credentials: they only open doors in the fake world. */
export const TEST_SECRETS: Record<string, string> = {
  KORA_OPERATOR_TOKEN: "test-operator-token-0123456789abcdef0123",
  KORA_FLY_API_TOKEN: "fake-fly-token-0123456789",
  KORA_FLY_APP_NAME: "kora-web",
  KORA_FLY_STAGING_APP_NAME: "kora-web-staging",
  ANTHROPIC_API_KEY: "test-anthropic-key-0123456789",
  KORA_SLACK_BOT_TOKEN: "xoxb-test",
  KORA_SLACK_OPERATOR_USER_ID: "U0OPERATOR",
  KORA_SLACK_SIGNING_SECRET: "fake-slack-signing-secret-0123456789",
  KORA_OPERATOR_EMAIL: "operator@example.com",
  KORA_EMAIL_FROM: "kora@example.com",
};
