import { z } from "zod";
import { describeZodError } from "../contracts";

/**
 * The parts of Slack's `block_actions` payload (docs/provider-apis.md §2) Kora reads. Slack sends it
 * as a form with one `payload` field holding JSON; parsed only after the signature has passed.
 */
const ButtonAction = z.object({
  type: z.literal("button"),
  action_id: z.string().min(1).max(255),
  block_id: z.string().min(1).max(255),
  // Slack caps a button value at 2,000 characters; anything longer was not sent by Slack.
  value: z.string().max(2_000).default(""),
  action_ts: z.string().min(1).max(64),
});
export type ButtonAction = z.infer<typeof ButtonAction>;

export const BlockActionsPayload = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: z.string().min(1).max(64) }),
  container: z
    .object({ channel_id: z.string().min(1).max(64).optional(), message_ts: z.string().min(1).max(64).optional() })
    .optional(),
  channel: z.object({ id: z.string().min(1).max(64) }).optional(),
  message: z.object({ ts: z.string().min(1).max(64) }).optional(),
  actions: z.array(z.unknown()).min(1).max(25),
});

/** One button press, with where it was pressed: the DM to update afterwards. */
export interface ButtonClick extends ButtonAction {
  user_id: string;
  channel_id: string | null;
  message_ts: string | null;
}

export type InteractionParse =
  { kind: "clicks"; clicks: ButtonClick[] } | { kind: "ignored"; why: string } | { kind: "invalid"; message: string };

const Envelope = z.object({ type: z.string().max(64) });

export function parseInteraction(rawBody: string): InteractionParse {
  const payloadText = new URLSearchParams(rawBody).get("payload");
  if (payloadText === null) return { kind: "invalid", message: "payload: missing form field" };
  let json: unknown;
  try {
    json = JSON.parse(payloadText);
  } catch {
    return { kind: "invalid", message: "payload: is not valid JSON" };
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return { kind: "invalid", message: "payload.type: missing" };
  // Shortcuts, view submissions and the like are not ours to handle: acknowledged, not acted on.
  if (envelope.data.type !== "block_actions") return { kind: "ignored", why: `type ${envelope.data.type}` };
  const payload = BlockActionsPayload.safeParse(json);
  if (!payload.success) return { kind: "invalid", message: describeZodError(payload.error, { prefix: "payload" }) };
  const channel_id = payload.data.container?.channel_id ?? payload.data.channel?.id ?? null;
  const message_ts = payload.data.container?.message_ts ?? payload.data.message?.ts ?? null;
  const clicks: ButtonClick[] = [];
  for (const [index, action] of payload.data.actions.entries()) {
    // Selects, date pickers … on a message are not Kora's; only buttons are read.
    if (Envelope.safeParse(action).data?.type !== "button") continue;
    const button = ButtonAction.safeParse(action);
    if (!button.success)
      return { kind: "invalid", message: describeZodError(button.error, { prefix: `payload.actions.${index}` }) };
    clicks.push({ ...button.data, user_id: payload.data.user.id, channel_id, message_ts });
  }
  return clicks.length > 0 ? { kind: "clicks", clicks } : { kind: "ignored", why: "no button action" };
}
