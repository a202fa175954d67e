import type { AnyMessageBlock } from "slack-web-api-client";

/** Slack's three control characters: untrusted text (probe detail, model output) cannot mention or link. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Section text is limited to 3,000 characters; leave room for the escape expansion. */
export function section(text: string): AnyMessageBlock {
  return { type: "section", text: { type: "mrkdwn", text: clip(text, 2_900) } };
}

export function header(text: string): AnyMessageBlock {
  return { type: "header", text: { type: "plain_text", text: clip(text, 150), emoji: true } };
}

export function context(text: string): AnyMessageBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: clip(text, 2_900) }] };
}

export const code = (text: string) => `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
