import type { AutofixResult } from "../autofix/attempt";
import type { ClickRefusal } from "./click-gates";

/** What happened to a click, in the words the updated DM uses. */
export type ClickOutcome =
  | { kind: "approved"; user_id: string; at: string; fix: AutofixResult }
  | { kind: "dismissed"; user_id: string; at: string }
  | ({ kind: "refused" } & ClickRefusal);

/** Pure: one line for the DM. Every line says whether anything changed, so nobody has to guess. */
export function describeClickOutcome(outcome: ClickOutcome): string {
  switch (outcome.kind) {
    case "approved":
      return `Approved by <@${outcome.user_id}> at ${outcome.at}. ${describeFix(outcome.fix)}`;
    case "dismissed":
      return `:heavy_minus_sign: Dismissed by <@${outcome.user_id}> at ${outcome.at}. Nothing was changed.`;
    case "refused":
      return describeRefusal(outcome);
  }
}

function describeFix(fix: AutofixResult): string {
  const what = `\`${fix.action_taken ?? fix.action_canonical ?? fix.action}\` on \`${fix.target_id}\`${fix.fly_app ? ` (${fix.fly_app})` : ""}`;
  switch (fix.status) {
    case "attempted":
      return describeAttempted(fix, what);
    case "rejected":
      return `:no_entry: The fix was refused before anything changed: \`${fix.rejection_reason ?? "rejected"}\`.`;
    case "failed":
      return `:x: Kora tried ${what}, but the call failed (${fix.error?.kind ?? "error"}). It may or may not have reached the machine.`;
  }
}

function describeAttempted(fix: AutofixResult, what: string): string {
  const state = fix.after_state?.state;
  switch (fix.outcome) {
    case "recovered":
      return `:white_check_mark: Kora ran ${what}: recovered, the machine is \`${state ?? "started"}\`.`;
    case "not_recovered":
      return `:warning: Kora ran ${what}: not recovered, the machine settled in \`${state ?? "unknown"}\`.`;
    case "unknown":
    case undefined:
      return `:warning: Kora ran ${what}, but the machine was not confirmed healthy in time (\`${state ?? "unknown"}\`). Check it.`;
  }
}

function describeRefusal(refusal: ClickRefusal): string {
  switch (refusal.refusal_reason) {
    case "unknown_approval":
      return ":no_entry: That button does not match any approval Kora issued. Nothing was run.";
    case "not_operator":
      return `:no_entry: Only the configured operator may decide; <@${refusal.refusal_detail.user_id}> is not. Nothing was run.`;
    case "target_mismatch":
      return ":no_entry: That button named a different fix than its approval. Nothing was run.";
    case "already_decided": {
      const { decided_by, decided_at, outcome } = refusal.refusal_detail;
      const who = decided_by ? ` by <@${decided_by}>` : "";
      return `:information_source: This approval was already used${who} at ${decided_at ?? "an earlier time"} (${outcome ?? "decided"}). Nothing new was run.`;
    }
    case "expired":
      return `:hourglass: This approval expired at ${refusal.refusal_detail.expires_at}. Nothing was run; fix it by hand or wait for the next wake.`;
  }
}
