/**
 * Slack's side of an interactivity request, in its real form (docs/provider-apis.md §2): a
 * `block_actions` payload as JSON in the `payload` field of an
 * `application/x-www-form-urlencoded` body, signed with the v0 scheme
 * (`X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))`, `X-Slack-Request-Timestamp`).
 * Used by the tests (inside workerd) and by scripts under Node: Web Crypto only.
 */

export interface ButtonSeen {
  action_id: string;
  block_id: string;
  value: string;
  text: string;
}

export interface ClickSpec {
  user_id: string;
  channel_id: string;
  message_ts: string;
  button: ButtonSeen;
  /** Slack's own id for this press; two presses never share one. */
  action_ts?: string;
  team_id?: string;
  message_text?: string;
}

let clickSeq = 0;

/** The JSON Slack posts when someone presses a button on a message. */
export function blockActionsPayload(spec: ClickSpec): Record<string, unknown> {
  clickSeq += 1;
  const team = spec.team_id ?? "T0KORA";
  const actionTs = spec.action_ts ?? `${(Date.now() / 1000).toFixed(6)}${clickSeq}`;
  return {
    type: "block_actions",
    team: { id: team, domain: "kora-test" },
    user: { id: spec.user_id, username: spec.user_id.toLowerCase(), name: spec.user_id.toLowerCase(), team_id: team },
    api_app_id: "A0KORA",
    token: "legacy-verification-token-unused",
    trigger_id: `${clickSeq}.${team}.trigger`,
    container: { type: "message", message_ts: spec.message_ts, channel_id: spec.channel_id, is_ephemeral: false },
    channel: { id: spec.channel_id, name: "directmessage" },
    message: { type: "message", ts: spec.message_ts, text: spec.message_text ?? "", bot_id: "BKORA" },
    state: { values: {} },
    response_url: `https://hooks.slack.com/actions/${team}/${clickSeq}/fake`,
    actions: [
      {
        type: "button",
        action_id: spec.button.action_id,
        block_id: spec.button.block_id,
        value: spec.button.value,
        text: { type: "plain_text", text: spec.button.text, emoji: true },
        action_ts: actionTs,
      },
    ],
  };
}

/** Every button of a posted message's blocks, as Slack would report a press on it. */
export function buttonsOf(blocks: unknown[] | null): ButtonSeen[] {
  const buttons: ButtonSeen[] = [];
  for (const block of blocks ?? []) {
    const { type, block_id, elements } = block as { type?: string; block_id?: string; elements?: unknown[] };
    if (type !== "actions" || !block_id) continue;
    for (const element of elements ?? []) {
      const e = element as { type?: string; action_id?: string; value?: string; text?: { text?: string } };
      if (e.type === "button" && e.action_id) {
        buttons.push({ action_id: e.action_id, block_id, value: e.value ?? "", text: e.text?.text ?? "" });
      }
    }
  }
  return buttons;
}

export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export async function slackSignature(secret: string, timestamp: number | string, body: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`v0:${timestamp}:${body}`));
  return `v0=${[...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

export interface SignedInteraction {
  body: string;
  headers: Record<string, string>;
}

/** Signs a payload as Slack would; `timestamp` (unix seconds) defaults to now. */
export async function signInteraction(
  payload: unknown,
  options: { signingSecret: string; timestamp?: number; body?: string },
): Promise<SignedInteraction> {
  const body = options.body ?? interactionBody(payload);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": await slackSignature(options.signingSecret, timestamp, body),
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    },
  };
}

/** Sends a signed interaction to a running Kora (`npm run demo`, `wrangler dev`). */
export async function sendSignedInteraction(
  url: string,
  payload: unknown,
  options: { signingSecret: string; timestamp?: number },
): Promise<Response> {
  const signed = await signInteraction(payload, options);
  return fetch(url, { method: "POST", headers: signed.headers, body: signed.body });
}
