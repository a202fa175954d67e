import { GATE_OF_REJECTION, type AutofixAttemptDetails } from "../contracts";
import { clip, code, escapeMrkdwn } from "./mrkdwn";

/**
 * How a fix attempt reads to the operator — the one place, for the investigation DM and the
 * DM an Approve click rewrites. Every fact comes from the attempt's own audit row
 * (`tool.probe_autofix_attempted`); model-written fields never reach Slack unescaped.
 */

/*
 * `action` and `target_id` are the model's (or an MCP caller's) words, written before any gate
 * judged them: `<https://evil.example|Approve> <!here>` must never become a link or a mention.
 * With `markup` the line is mrkdwn, every outside string escaped; without it the line is plain
 * text that its caller escapes as a whole (Slack reads a message's `text` fallback as mrkdwn too).
 */
const raw = (text: string) => text;

/** `action` on `target` (app): what was (or would have been) run, and where. */
export function fixSubject(attempt: AutofixAttemptDetails, markup: boolean): string {
  const c = markup ? code : raw;
  const e = markup ? escapeMrkdwn : raw;
  const action = attempt.action_taken ?? attempt.action_canonical ?? attempt.action;
  return `${c(action)} on ${c(attempt.target_id)}${attempt.fly_app ? ` (${e(attempt.fly_app)})` : ""}`;
}

/** One line per attempt: the outcome, the refusing gate, or the failure. */
export function fixLine(attempt: AutofixAttemptDetails, markup: boolean): string {
  const c = markup ? code : raw;
  const e = markup ? escapeMrkdwn : raw;
  const what = `${e(attempt.action)} on ${c(attempt.target_id)}${attempt.fly_app ? ` (${e(attempt.fly_app)})` : ""}`;
  switch (attempt.status) {
    case "attempted": {
      const states = [attempt.before_state?.state, attempt.after_state?.state].filter(Boolean).join(" → ");
      const outcome = attempt.outcome ?? "unknown";
      return `${what}: attempted, outcome ${markup ? `*${outcome}*` : outcome}${states ? ` (${states})` : ""}`;
    }
    case "rejected": {
      const reason = attempt.rejection_reason ?? "unknown";
      const gate = attempt.rejection_reason ? GATE_OF_REJECTION[attempt.rejection_reason] : undefined;
      return `${what}: rejected by ${gate ? `gate ${gate}` : "the gates"}, ${c(reason)}${envelopeHint(attempt)}`;
    }
    case "failed":
      return `${what}: failed (${e(attempt.error?.kind ?? "error")}${attempt.error?.message ? `: ${e(clip(attempt.error.message, 200))}` : ""})`;
    case "shadowed":
      return `${what}: *shadow mode held it back*: every check passed and Kora would have run ${wouldTake(attempt, c)}; nothing was changed`;
  }
}

/** The call a shadowed decision did not send, and the state it saw. */
function wouldTake(attempt: AutofixAttemptDetails, c: (text: string) => string): string {
  const state = attempt.before_state?.state;
  return `${c(attempt.would_take ?? attempt.action_canonical ?? attempt.action)}${state ? ` (machine ${c(state)})` : ""}`;
}

/** A whole sentence with its emoji, for a DM that says what a decision led to. */
export function fixSentence(attempt: AutofixAttemptDetails): string {
  const what = fixSubject(attempt, true);
  const state = attempt.after_state?.state;
  switch (attempt.status) {
    case "attempted":
      switch (attempt.outcome) {
        case "recovered":
          return `:white_check_mark: Kora ran ${what}: recovered, the machine is \`${state ?? "started"}\`.`;
        case "not_recovered":
          return `:warning: Kora ran ${what}: not recovered, the machine settled in \`${state ?? "unknown"}\`.`;
        case "unknown":
        case undefined:
          return `:warning: Kora ran ${what}, but the machine was not confirmed healthy in time (\`${state ?? "unknown"}\`). Check it.`;
      }
      break;
    case "rejected":
      return `:no_entry: The fix was refused before anything changed: \`${attempt.rejection_reason ?? "rejected"}\`.`;
    case "failed":
      return `:x: Kora tried ${what}, but the call failed (${attempt.error?.kind ?? "error"}). It may or may not have reached the machine.`;
    case "shadowed":
      return `:ghost: Shadow mode held it back: Kora would have run ${wouldTake(attempt, code)}. Nothing was changed.`;
  }
}

function envelopeHint(attempt: AutofixAttemptDetails): string {
  const env = attempt.rejection_detail?.enable_env;
  return attempt.rejection_reason === "envelope_disabled" && typeof env === "string" ? ` (${env} is off)` : "";
}
