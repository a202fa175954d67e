import type { AnyMessageBlock } from "slack-web-api-client";
import { redactSecrets } from "../audit/redact";
import { secretValues, type Config, type KoraEnv } from "../config";
import { postSlackMessage, updateSlackMessage } from "./client";
import { appendDmLogEntry, getDmLogEntry } from "../audit/dm-log";
import type { DmKind, DmStatus } from "../contracts";

export interface OperatorDm {
  /** Idempotency key of this DM (e.g. `dm:<wake_id>`): a second send of the same id posts nothing. */
  id: string;
  caller_session_id: string;
  kind: DmKind;
  text: string;
  blocks?: AnyMessageBlock[];
  /** A DM built without the model (engine unavailable) is logged with the `engine_unavailable_*` statuses. */
  engine_unavailable?: boolean;
  /**
   * A reply in the thread of an earlier DM (an incident's root: its `D…` channel and `ts`).
   * `broadcast` also shows it in the conversation, so it notifies (DESIGN §11 escalations).
   */
  thread?: { channel: string; ts: string; broadcast: boolean };
}

export interface DmDelivery {
  dm_status: DmStatus;
  delivered: boolean;
  channel: string | null;
  slack_ts: string | null;
  error: string | null;
  /** True when this DM was already handled before (a redelivery): nothing was posted now. */
  repeated: boolean;
}

/**
 * DMs the operator (chat.postMessage to `KORA_SLACK_OPERATOR_USER_ID`) and logs the outcome,
 * sent or failed, as one `slack_dm_log` row. Configured secrets are scrubbed from the text
 * before it leaves the Worker or reaches D1.
 */
export async function sendOperatorDm(env: KoraEnv, config: Config, dm: OperatorDm, now: Date): Promise<DmDelivery> {
  const previous = await getDmLogEntry(env.DB, dm.id);
  if (previous) {
    return {
      dm_status: previous.dm_status,
      delivered: previous.dm_status === "sent" || previous.dm_status === "engine_unavailable_fallback",
      channel: previous.channel,
      slack_ts: previous.slack_ts,
      error: previous.error,
      repeated: true,
    };
  }
  const { value: message } = redactSecrets({ text: dm.text, blocks: dm.blocks }, secretValues(env));
  const channel = dm.thread?.channel ?? config.KORA_SLACK_OPERATOR_USER_ID;
  const thread = dm.thread ? { thread_ts: dm.thread.ts, reply_broadcast: dm.thread.broadcast } : {};
  const result = channel
    ? await postSlackMessage(config, { channel, text: message.text, blocks: message.blocks, ...thread })
    : ({ ok: false, error: "not_configured: KORA_SLACK_OPERATOR_USER_ID is unset" } as const);
  const dmStatus: DmStatus = dm.engine_unavailable
    ? result.ok
      ? "engine_unavailable_fallback"
      : "engine_unavailable_failed_send"
    : result.ok
      ? "sent"
      : "failed_send";
  const delivery: DmDelivery = {
    dm_status: dmStatus,
    delivered: result.ok,
    channel: result.ok ? result.channel : (channel ?? null),
    slack_ts: result.ok ? result.ts : null,
    error: result.ok ? null : result.error,
    repeated: false,
  };
  await appendDmLogEntry(env.DB, {
    id: dm.id,
    created_at: now.toISOString(),
    caller_session_id: dm.caller_session_id,
    kind: dm.kind,
    channel: delivery.channel,
    dm_status: dmStatus,
    text: message.text,
    blocks: message.blocks ?? null,
    slack_ts: delivery.slack_ts,
    error: delivery.error,
  });
  return delivery;
}

export interface OperatorDmEdit {
  /** Idempotency key of this edit: a second call with the same id changes nothing. */
  id: string;
  caller_session_id: string;
  kind: DmKind;
  /** The message to change: the `D…` channel and `ts` its post returned (chat.update needs both). */
  channel: string;
  ts: string;
  text: string;
  blocks: AnyMessageBlock[];
}

/**
 * Edits a DM Kora sent (chat.update): no new notification. Keyed and logged like a send — one
 * `slack_dm_log` row with the message's `ts`, so the next edit builds on this one — and scrubbed
 * of configured secrets first.
 */
export async function updateOperatorDm(
  env: KoraEnv,
  config: Config,
  edit: OperatorDmEdit,
  now: Date,
): Promise<{ dm_status: DmStatus; repeated: boolean; error: string | null }> {
  const previous = await getDmLogEntry(env.DB, edit.id);
  if (previous) return { dm_status: previous.dm_status, repeated: true, error: previous.error };
  const { value: message } = redactSecrets({ text: edit.text, blocks: edit.blocks }, secretValues(env));
  const result = await updateSlackMessage(config, { channel: edit.channel, ts: edit.ts, ...message });
  const dmStatus: DmStatus = result.ok ? "sent" : "failed_send";
  await appendDmLogEntry(env.DB, {
    id: edit.id,
    created_at: now.toISOString(),
    caller_session_id: edit.caller_session_id,
    kind: edit.kind,
    channel: edit.channel,
    dm_status: dmStatus,
    text: message.text,
    blocks: message.blocks,
    slack_ts: edit.ts,
    error: result.ok ? null : result.error,
  });
  return { dm_status: dmStatus, repeated: false, error: result.ok ? null : result.error };
}
