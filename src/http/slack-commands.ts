import { Hono, type Context } from "hono";
import { z } from "zod";
import { recordAudit } from "../audit/record";
import { redactThenClip } from "../audit/redact";
import {
  AUTONOMY_SESSION,
  changeAutonomySwitch,
  pauseOf,
  readEnvelopeReport,
  type AutonomySwitch,
  type EnvelopeReport,
  type SwitchOutcome,
} from "../autonomy";
import { secretValues, type Config, type KoraEnv } from "../config";
import { describeZodError, sha256Hex } from "../contracts";
import { code, escapeMrkdwn } from "../slack/mrkdwn";
import type { AppEnv } from "./app-env";
import { HttpError } from "./errors";
import { signedSlackBody, slackBodyLimit } from "./slack-signed";

/**
 * `POST /slack/commands` (DESIGN §8, §12): `/kora pause [why]`, `/kora resume [why]`,
 * `/kora status`. Signed like the interactions (checked on the raw body before anything is read),
 * only `KORA_SLACK_OPERATOR_USER_ID` may use it, and the answer is an ephemeral message sent
 * within Slack's 3 s: the switch is one D1 write, so the change is done before Kora says so.
 */

// The form fields Kora reads (docs/provider-apis.md §2 "Slash commands"); the rest is ignored.
const CommandForm = z.object({
  command: z.string().min(1).max(64),
  text: z.string().max(2_000).default(""),
  user_id: z.string().regex(/^[A-Z0-9]{2,32}$/, { error: "must be a Slack user id" }),
  channel_id: z.string().max(64).optional(),
});
type CommandForm = z.infer<typeof CommandForm>;

export const slackCommandRoutes = new Hono<AppEnv>().post("/", slackBodyLimit(64 * 1024, "64 KiB"), async (c) => {
  const config = c.get("config");
  const now = new Date();
  const rawBody = await signedSlackBody(c, now);

  const form = CommandForm.safeParse(Object.fromEntries(new URLSearchParams(rawBody)));
  if (!form.success) throw new HttpError(400, "invalid_payload", describeZodError(form.error));
  // The signature is what makes a request unique: a replay of it is recognised by this key.
  const requestKey = (await sha256Hex(c.req.header("x-slack-signature") ?? "")).slice(0, 32);
  const signedAt = Number(c.req.header("x-slack-request-timestamp"));

  const operator = config.KORA_SLACK_OPERATOR_USER_ID;
  if (!operator || form.data.user_id !== operator) {
    await recordRefusal(c.env, form.data, operator ? "not_operator" : "operator_not_configured", requestKey);
    return ephemeral(c, "Only Kora's operator can use `/kora`. Nothing changed.");
  }
  return ephemeral(c, await runCommand(c.env, config, form.data, { requestKey, signedAt, now }));
});

async function runCommand(
  env: KoraEnv,
  config: Config,
  form: CommandForm,
  request: { requestKey: string; signedAt: number; now: Date },
): Promise<string> {
  const [verb = "", ...rest] = form.text.trim().split(/\s+/);
  const reason = rest.join(" ").trim() || null;
  switch (verb.toLowerCase()) {
    case "pause":
    case "resume": {
      const outcome = await changeAutonomySwitch(
        env,
        {
          paused: verb.toLowerCase() === "pause",
          by: form.user_id,
          via: "slack",
          reason,
          change_id: `slack:${request.requestKey}`,
          signed_at: request.signedAt,
        },
        request.now,
      );
      return describeOutcome(outcome);
    }
    case "status":
      return statusText(await readEnvelopeReport(env, request.now, { last: 0 }), config);
    case "":
    case "help":
      return HELP;
    default:
      return `Unknown command ${code(verb.slice(0, 40))}. ${HELP}`;
  }
}

const HELP =
  "Use `/kora pause [why]` to stop every autonomous fix at once, `/kora resume [why]` to let the " +
  "envelopes act again, `/kora status` to see each envelope's mode and shadow precision.";

function describeOutcome(outcome: SwitchOutcome): string {
  const state = describeSwitch(outcome.state);
  switch (outcome.kind) {
    case "changed":
      return outcome.state.paused
        ? `:double_vertical_bar: Autonomy paused. Kora fixes nothing on its own until \`/kora resume\`; approvals still work. ${state}`
        : `:arrow_forward: Autonomy resumed: each envelope acts as its variable says. ${state}`;
    case "unchanged":
      return `Nothing to change. ${state}`;
    case "replayed":
      return `This request was already handled; nothing changed. ${state}`;
    case "superseded":
      return `The switch changed after this request was sent, so it was not applied. ${state}`;
  }
}

function describeSwitch(state: AutonomySwitch): string {
  const pause = pauseOf(state);
  if (!pause.paused) return "Autonomy is running.";
  const why = pause.reason ? ` (“${escapeMrkdwn(pause.reason)}”)` : "";
  return `Autonomy is paused by ${mention(pause.paused_by)} since ${pause.paused_at}${why}.`;
}

/** Slack user ids become mentions; names an API caller gave stay text. */
function mention(by: string): string {
  return /^[UW][A-Z0-9]{2,31}$/.test(by) ? `<@${by}>` : escapeMrkdwn(by);
}

function statusText(report: EnvelopeReport, config: Config): string {
  const lines = report.envelopes
    .filter((envelope) => envelope.fix_name !== null)
    .map((envelope) => {
      const precision =
        envelope.precision === null
          ? "no labeled shadow decision yet"
          : `shadow precision ${Math.round(envelope.precision * 100)}% (${envelope.needed} needed, ${envelope.unneeded} unneeded)`;
      return `• \`${envelope.probe}\`: ${envelope.mode}${envelope.effective === "paused" ? " (paused)" : ""} · ${envelope.decisions} shadow decisions in ${report.window.days} days, ${precision}`;
    });
  return [
    describeSwitch(report.autonomy),
    ...lines,
    `Labels wait ${config.KORA_SHADOW_LABEL_MINUTES} minutes (KORA_SHADOW_LABEL_MINUTES).`,
  ].join("\n");
}

function ephemeral(c: Context<AppEnv>, text: string): Response {
  return c.json({ response_type: "ephemeral", text }, 200);
}

/** Someone else (or anyone, with no operator configured) tried: one row, keyed by the request. */
async function recordRefusal(
  env: KoraEnv,
  form: CommandForm,
  refusal_reason: "not_operator" | "operator_not_configured",
  requestKey: string,
): Promise<void> {
  await recordAudit(env, {
    id: `autonomy_command_refused:${requestKey}`,
    seam: "operator.autonomy_command_refused",
    caller_session_id: AUTONOMY_SESSION,
    source: "operator",
    details: {
      command: form.command,
      text: redactThenClip(form.text, secretValues(env), 200),
      slack_user_id: form.user_id,
      channel_id: form.channel_id ?? null,
      refusal_reason,
    },
  });
}
