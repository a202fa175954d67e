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

/**
 * One line per item until `budget` characters, then "…and N more": a storm of a hundred machines
 * still fits one section (3,000 characters) and the message stays within Slack's limits.
 */
export function collapseLines(lines: readonly string[], budget: number, noun = "more"): string {
  const kept: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const left = lines.length - index;
    const tail = left > 1 ? `…and ${left - 1} ${noun}`.length + 1 : 0;
    if (used + line.length + 1 + tail > budget && kept.length > 0) {
      kept.push(`…and ${left} ${noun}`);
      return kept.join("\n");
    }
    kept.push(clip(line, budget));
    used += line.length + 1;
  }
  return kept.join("\n");
}

/** "45 s", "4 min", "1 h 05 min": how long something lasted, for a person. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** "10:04 UTC" from an ISO time; an unreadable one is shown as it is, escaped. */
export function formatClock(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? escapeMrkdwn(iso) : `${new Date(time).toISOString().slice(11, 16)} UTC`;
}
