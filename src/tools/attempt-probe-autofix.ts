import { z } from "zod";
import { attemptProbeAutofix } from "../autofix";
import { defineTool } from "./tool";

// Plain strings on purpose (DESIGN §5): the gates, not the schema, refuse bad values, so every
// refusal is an audit row with its rejection_reason instead of a schema error with no trace.
const Input = z.object({
  probe: z
    .string()
    .max(200)
    .describe("The probe whose envelope to use: one of `fly`, `supabase`, `vercel`, `sentry`, `doppler`."),
  action: z
    .string()
    .max(200)
    .describe(
      "The fix to attempt. v1 allows only `restart_machine` (canonical `restart_unhealthy_machine`) for `fly`.",
    ),
  target_id: z
    .string()
    .max(200)
    .describe(
      "The target to fix: for `fly`, the machine id (letters, digits, `_`, `-`; at most 64). During an " +
        "investigation it must be one of the wake's targets.",
    ),
  reason: z.string().max(2_000).describe("Why this fix, in one or two sentences; recorded verbatim in the audit row."),
});

export const attemptProbeAutofixTool = defineTool({
  name: "kora__attempt_probe_autofix",
  description:
    "Attempt a fix inside a probe's fix envelope. Mutating. Five gates run first (known probe, envelope " +
    "enabled and autonomy not paused by the operator, action allowed, valid target id, target verified: one of this wake's own targets, acted on at " +
    "most once per wake, restart budgets left for the machine and the fleet, not leased by a deploy, and " +
    "unhealthy by the probe's rule on a fresh read — a machine stopped on purpose or started and healthy is " +
    "refused); the first that fails rejects the attempt with a rejection_reason. If all pass, a crashed " +
    "machine is started, a hung one (started, checks critical or host unreachable) is restarted, and it is " +
    "re-read until healthy or the bound: status `attempted` with outcome `recovered`, `not_recovered` or " +
    "`unknown`; `rejected`; or `failed`. In shadow mode the status is `shadowed`: every gate passed, nothing " +
    "was changed, and `would_take` names the call Kora would have made. Every call is one audit row. Report " +
    "the result in the DM, whatever it is.",
  input: Input,
  mutating: true,
  requiresCapGate: true,
  async run(input, ctx) {
    const result = await attemptProbeAutofix(input, ctx);
    // A refusal or a failed action is an answer the model must report, not a tool error.
    return { content: result };
  },
});
