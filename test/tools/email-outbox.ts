import { env } from "cloudflare:workers";
import type { KoraEnv } from "../../src/config";

/**
 * The Worker's env with an EMAIL binding that sends through the real (local) binding and keeps
 * what it sent, as the operator's mailbox would see it. Miniflare's EmailMessage holds its MIME
 * text under this key (its own send_email worker reads it the same way).
 */
const RAW_EMAIL = "EmailMessage::raw";

export interface SentEmail {
  from: string;
  to: string;
  /** The MIME text as sent. */
  raw: string;
  /** Headers and body with encoded words and base64 parts decoded: what a mail client shows. */
  readable: string;
}

export function envWithOutbox(vars: Record<string, string> = {}): { env: KoraEnv; outbox: SentEmail[] } {
  const outbox: SentEmail[] = [];
  const email: SendEmail = {
    async send(message: EmailMessage) {
      const raw = String((message as unknown as Record<string, unknown>)[RAW_EMAIL] ?? "");
      outbox.push({ from: message.from, to: message.to, raw, readable: readable(raw) });
      return env.EMAIL.send(message);
    },
  } as SendEmail;
  return { env: { ...env, ...vars, EMAIL: email } as KoraEnv, outbox };
}

function readable(raw: string): string {
  const words = raw.replace(/=\?utf-8\?B\?([A-Za-z0-9+/=]+)\?=/gi, (_, b64: string) => decodeBase64(b64));
  const [head = "", ...body] = words.split(/\r?\n\r?\n/);
  const text = body.join("\n\n");
  return /content-transfer-encoding:\s*base64/i.test(head) ? `${head}\n\n${decodeBase64(text)}` : words;
}

function decodeBase64(text: string): string {
  const bytes = Uint8Array.from(atob(text.replace(/\s+/g, "")), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
