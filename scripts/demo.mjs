// `npm run demo`: watch Kora work end to end on this machine, with no accounts. Starts the local
// stack (fake world + the real Worker under `wrangler dev`), crashes a Fly machine, fires the
// probe cron until Kora wakes, and shows each step, the DM, the timeline and an export.
//
//   npm run demo                 the safe fix (Fly envelope on); console left up until Ctrl-C
//   npm run demo -- --refusal    the envelope off: no fix, the DM asks the operator
//   npm run demo -- --approve    the envelope off, then the operator clicks Approve in the DM
//   npm run demo -- --recrash    the machine crashes again after Kora's fix: an escalation in the
//                                DM's thread, the operator's Approve, then the incident resolved
//   npm run demo -- --once       run once and exit 0 only if the expected outcome happened
import { DEMO_MACHINES } from "../test/fakes/seed.ts";
import { blockActionsPayload, buttonsOf, sendSignedInteraction } from "../test/fakes/slack-interactions.ts";
import { startLocalStack } from "./local-stack.mjs";
import { bold, dim, printBlocks } from "./print-dm.mjs";

const args = new Set(process.argv.slice(2));
const once = args.has("--once");
const recrash = args.has("--recrash");
const approve = args.has("--approve");
const refusal = (args.has("--refusal") || approve) && !recrash;
const realModel = Boolean(process.env.ANTHROPIC_API_KEY);
const target = DEMO_MACHINES.web1;
const started = Date.now();

const step = (label, text) =>
  console.log(`${dim(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`)}  ${bold(label.padEnd(6))} ${text}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** The probe cron's (simulated) minutes: each cycle fired is the next one, as Cloudflare would. */
const cycles = { base: Math.floor(Date.now() / 60_000) * 60_000, fired: 0 };

const scenario = recrash
  ? "re-crash: Kora's fix does not hold, the operator approves one more try"
  : approve
    ? "approval: the Fly envelope is off, the operator approves from Slack"
    : refusal
      ? "refusal: the Fly envelope is off"
      : "safe fix: the Fly envelope is on";
console.log(bold(`Kora demo — ${scenario}`));
console.log(
  dim(
    realModel
      ? "Using the real Anthropic API (ANTHROPIC_API_KEY is set); everything else is fake."
      : "Everything is local: fake Fly, Slack, Anthropic, Supabase, Vercel, Sentry, Doppler.",
  ),
);

const stack = await startLocalStack({
  vars: {
    KORA_PROBE_AUTOFIX_FLY_ENABLED: refusal ? "false" : "true",
    ...(realModel
      ? { ANTHROPIC_BASE_URL: "https://api.anthropic.com", ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY }
      : {}),
  },
  log: (line) => step("stack", line),
});

let exitCode = 1;
try {
  watchTheWorld(stack.world);
  const fly = stack.world.providers.get("fly");
  fly.crash(fly.apps.get("kora-web").get(target), 1, false);
  step("crash", `machine ${target} (kora-web, cdg) exited with code 1`);

  const sessionId = await fireUntilWake();
  const completed = await waitForAudit(
    `seam=probe.investigation_completed&caller_session_id=${encodeURIComponent(sessionId)}`,
    90_000,
  );
  const details = completed.details;
  step(
    "done",
    `investigation finished: dm_status=${details.dm_status}, ${details.turns} turns, ${details.input_tokens}+${details.output_tokens} tokens, $${Number(details.cost_usd).toFixed(4)}`,
  );

  printDm(stack.world);
  await printTimeline(sessionId);
  await runExport();

  if (approve) await clickApprove(sessionId);
  const incident = recrash ? await crashAgainAndResolve(stack.world, sessionId) : null;

  const machine = fly.apps.get("kora-web").get(target);
  const mutations = stack.world.requests.filter((r) => r.provider === "fly" && fly.isMutating(r));
  const dmSent = stack.world.providers.get("slack").posts.length > 0;
  const fixed = machine.state === "started" && mutations.length > 0;
  const ok = recrash
    ? fixed && incident !== null
    : refusal && !approve
      ? mutations.length === 0 && dmSent
      : fixed && dmSent;
  console.log();
  if (!ok)
    console.log(
      bold(`✘ Unexpected outcome: machine ${machine.state}, ${mutations.length} Fly mutations, DM sent: ${dmSent}`),
    );
  else if (recrash)
    console.log(
      bold(
        `✔ It crashed again after Kora's fix; the operator approved one more try; resolved (${incident.resolved_by}).`,
      ),
    );
  else if (approve) console.log(bold(`✔ The operator approved; machine ${target} is ${machine.state} again.`));
  else if (refusal) console.log(bold("✔ Kora refused to act alone and asked the operator."));
  else console.log(bold(`✔ Machine ${target} is ${machine.state} again and the operator was told.`));
  exitCode = ok ? 0 : 1;

  if (!once) {
    console.log(`
Console:  ${stack.url}/   operator token: ${stack.operatorToken}
API:      curl -H 'authorization: Bearer ${stack.operatorToken}' ${stack.url}/api/investigations
Ctrl-C stops everything.`);
    await new Promise((resolve) => {
      process.on("SIGINT", resolve);
      process.on("SIGTERM", resolve);
    });
    exitCode = 0;
  }
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await stack.stop();
}
process.exit(exitCode);

async function fireCycle() {
  cycles.fired += 1;
  const scheduled = cycles.base + cycles.fired * 60_000;
  await stack.fireCron("* * * * *", scheduled);
  step("probe", `cycle ${cycles.fired} fired (scheduled ${new Date(scheduled).toISOString().slice(11, 16)} UTC)`);
}

/** Fires one probe cycle per (simulated) minute until a wake is audited; returns its session. */
async function fireUntilWake() {
  for (let cycle = 1; cycle <= 6; cycle++) {
    await fireCycle();
    const wake = await findAudit("seam=probe.wake_requested");
    if (wake) {
      step(
        "wake",
        `${wake.details.probe}/${wake.details.target} unhealthy for ${wake.details.consecutive_unhealthy} cycles → queue (session ${wake.caller_session_id})`,
      );
      return wake.caller_session_id;
    }
  }
  throw new Error("no wake after 6 probe cycles");
}

/**
 * The incident goes on after the DM (DESIGN §11): two healthy cycles, then the machine crashes
 * again within the cool-down. Kora replies in the DM's thread (broadcast, so it notifies) with no
 * model run and no fix of its own; the operator approves one more try from that reply, and after
 * KORA_RESOLVE_AFTER_CYCLES healthy cycles the root DM is edited to say it is over.
 */
async function crashAgainAndResolve(world, sessionId) {
  const fly = world.providers.get("fly");
  const slack = world.providers.get("slack");
  const session = encodeURIComponent(sessionId);
  await fireCycle();
  await fireCycle();
  fly.crash(fly.apps.get("kora-web").get(target), 1, false);
  step("crash", `machine ${target} exited with code 1 again, two healthy cycles after Kora's fix`);
  // Cycles until the follow-up wake is sent (the second wake of the session), then the consumer.
  let followUps = 0;
  for (let n = 0; n < 4 && followUps < 2; n++) {
    await fireCycle();
    const { rows } = await stack.api(`/api/audit?seam=probe.wake_requested&caller_session_id=${session}&limit=2`);
    followUps = rows.length;
  }
  if (followUps < 2) throw new Error("no follow-up wake after 4 cycles");
  const escalation = await waitForAudit(`seam=probe.incident_escalated&caller_session_id=${session}`, 30_000);
  step("alert", `incident escalated: ${escalation.details.reason}, ${escalation.details.fixes} fix so far`);
  const reply = await waitFor(() => slack.posts.find((post) => post.thread_ts), 30_000, "the escalation reply");
  console.log(
    `\n${bold(`── Reply in the DM's thread${reply.reply_broadcast ? " (also sent to the conversation)" : ""} ──────────`)}`,
  );
  printBlocks(reply.blocks, reply.text);

  await clickApprove(sessionId);
  let resolved;
  for (let n = 0; n < 6 && !resolved; n++) {
    await fireCycle();
    resolved = await findAudit(`seam=probe.incident_resolved&caller_session_id=${session}`);
  }
  if (!resolved) throw new Error("the incident was not resolved after 6 healthy cycles");
  step(
    "over",
    `incident resolved by ${resolved.details.resolved_by}, down for ${Math.round(resolved.details.duration_ms / 60_000)} min`,
  );
  const root = slack.posts.find((post) => !post.thread_ts);
  const edited = root?.updates.at(-1);
  if (edited) {
    console.log(`\n${bold("── The first DM, edited in place (chat.update) ─────────────────────────")}`);
    printBlocks(edited.blocks, edited.text);
  }
  const last = slack.posts.at(-1);
  if (last && last !== reply && last.thread_ts) {
    console.log(`\n${bold("── Last reply in the thread ─────────────────────────")}`);
    printBlocks(last.blocks, last.text);
  }
  await printTimeline(sessionId);
  return { resolved_by: resolved.details.resolved_by };
}

async function waitFor(find, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = find();
    if (found) return found;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Presses Approve on the DM the way Slack would: a signed block_actions form post. */
async function clickApprove(sessionId) {
  const post = stack.world.providers.get("slack").posts.at(-1);
  const button = buttonsOf(post?.blocks ?? []).find((b) => b.text === "Approve");
  if (!button) throw new Error("the DM has no Approve button");
  const payload = blockActionsPayload({
    user_id: stack.vars.KORA_SLACK_OPERATOR_USER_ID,
    channel_id: post.channel,
    message_ts: post.ts,
    button,
  });
  const response = await sendSignedInteraction(`${stack.url}/slack/interactions`, payload, {
    signingSecret: stack.vars.KORA_SLACK_SIGNING_SECRET,
  });
  step("click", `operator pressed Approve → Slack got ${response.status} at once; the fix runs in the background`);
  const attempt = await waitForAudit(
    `seam=tool.probe_autofix_attempted&caller_session_id=${encodeURIComponent(sessionId)}`,
    30_000,
    (row) => row.source === "operator",
  );
  step("fix", `approved attempt: ${attempt.details.status}, outcome ${attempt.details.outcome ?? "—"}`);
  const updated = post.updates.at(-1);
  if (updated) {
    console.log(`\n${bold("── The DM after the click (chat.update) ─────────────────────────")}`);
    printBlocks(updated.blocks, updated.text);
  }
  await printTimeline(sessionId);
}

async function findAudit(query) {
  const { rows } = await stack.api(`/api/audit?${query}&limit=1`);
  return rows[0];
}

async function waitForAudit(query, timeoutMs, accept = () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const row = await findAudit(query);
    if (row && accept(row)) return row;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${query}`);
}

/** One progress line per call Kora makes into the world: the model's turns, tools, the fix, the DM. */
function watchTheWorld(world) {
  let turn = 0;
  world.onRequest((request) => {
    if (request.provider === "anthropic" && request.path.endsWith("/messages")) {
      turn += 1;
      const body = safeJson(request.body);
      const last = body?.messages?.at(-1);
      const results = Array.isArray(last?.content) ? last.content.filter((block) => block.type === "tool_result") : [];
      const calls = body?.messages?.at(-2)?.content?.filter?.((block) => block.type === "tool_use") ?? [];
      for (const call of calls) step("tool", `${call.name} ${JSON.stringify(call.input)}`);
      step(
        "claude",
        `turn ${turn} → ${body?.model ?? "?"}${results.length ? ` (${results.length} tool result${results.length > 1 ? "s" : ""})` : ""}`,
      );
    } else if (request.provider === "fly" && request.method !== "GET") {
      step("fly", `${request.method} ${request.path}`);
    } else if (request.provider === "slack") {
      step("slack", `${request.path.split("/").at(-1)} → operator`);
    }
  });
}

function printDm(world) {
  const post = world.providers.get("slack").posts.at(-1);
  if (!post) return;
  console.log(`\n${bold("── The DM, as the operator reads it in Slack ─────────────────────────")}`);
  printBlocks(post.blocks, post.text);
}

async function printTimeline(sessionId) {
  const timeline = await stack.api(`/api/sessions/${encodeURIComponent(sessionId)}/timeline`);
  console.log(`\n${bold(`── Timeline of ${sessionId} ─────────────────────────`)}`);
  for (const entry of timeline.entries ?? timeline.rows ?? []) {
    const at = String(entry.emitted_at ?? entry.created_at ?? "").slice(11, 23);
    const what = entry.seam ?? `slack_dm_log (${entry.dm_status})`;
    const d = entry.details ?? {};
    const summary = [d.probe, d.target ?? d.target_id, d.status, d.rejection_reason, d.outcome, d.dm_status]
      .filter((value) => value !== undefined && value !== null)
      .join(" · ");
    console.log(`${at}  ${what.padEnd(32)} ${summary}`);
  }
}

async function runExport() {
  const date = new Date().toISOString().slice(0, 10);
  const result = await stack.api(`/api/audit/export?date=${date}`, { method: "POST" });
  console.log(`\n${bold("── Audit export ─────────────────────────")}`);
  for (const file of result.files ?? [])
    console.log(`${file.key}  ${file.rows} rows  sha256 ${String(file.sha256).slice(0, 16)}…`);
  if (result.manifest_key) console.log(`${result.manifest_key}  (manifest)`);
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
