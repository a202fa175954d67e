import { verifySlackRequest } from "slack-edge";

/** Slack's replay window (docs/provider-apis.md §2): older requests are refused. */
export const SIGNATURE_MAX_AGE_SECONDS = 5 * 60;
/**
 * A timestamp from the future can only be clock skew or a forgery made to outlive the window.
 * Both clocks run NTP, so a few seconds of skew is all we accept.
 */
export const SIGNATURE_MAX_FUTURE_SKEW_SECONDS = 30;

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      reason: "missing_headers" | "malformed_headers" | "stale_timestamp" | "future_timestamp" | "bad_signature";
    };

const TIMESTAMP = /^\d{1,12}$/;
// Checked before the library sees it: it sizes a byte array from the header's length.
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/**
 * Slack's v0 request signature over `v0:{timestamp}:{raw body}` (HMAC-SHA256, compared in
 * constant time by `crypto.subtle.verify` inside `slack-edge`). Runs on the raw body before
 * anything is parsed; the secret never leaves this function.
 */
export async function verifySlackSignature(
  signingSecret: string,
  headers: Headers,
  rawBody: string,
  now: Date,
): Promise<SignatureCheck> {
  const timestamp = headers.get("x-slack-request-timestamp");
  const signature = headers.get("x-slack-signature");
  if (!timestamp || !signature) return { ok: false, reason: "missing_headers" };
  if (!TIMESTAMP.test(timestamp) || !SIGNATURE.test(signature)) return { ok: false, reason: "malformed_headers" };
  const age = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (age > SIGNATURE_MAX_AGE_SECONDS) return { ok: false, reason: "stale_timestamp" };
  if (age < -SIGNATURE_MAX_FUTURE_SKEW_SECONDS) return { ok: false, reason: "future_timestamp" };
  const valid = await verifySlackRequest(signingSecret, headers, rawBody);
  return valid ? { ok: true } : { ok: false, reason: "bad_signature" };
}
