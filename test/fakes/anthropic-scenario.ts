/**
 * The default scenario of the Anthropic fake, used whenever nothing is scripted (the demo):
 * it reads the wake from the first user message, looks at the target with read tools, tries
 * `kora__attempt_probe_autofix` with `restart_machine` on a Fly target, and ends with a summary
 * that reports the fix attempt's outcome exactly as the tool returned it. It decides from the
 * conversation alone (how many assistant turns so far), so it is stateless and repeatable.
 */
import type { ContentBlock, MessagesRequest, ScriptedReply } from "./anthropic.ts";

interface WakeFacts {
  probe: string;
  target: string;
}

export function defaultScenarioReply(body: MessagesRequest): ScriptedReply {
  const wake = wakeFrom(body);
  if (!wake) {
    return { content: [{ type: "text", text: "I could not find the wake's probe data in the request." }] };
  }
  const offered = new Set((body.tools ?? []).map((tool) => String(tool.name)));
  const turn = body.messages.filter((message) => message.role === "assistant").length;
  const steps = plan(wake, offered);
  const step = steps[turn];
  if (step) return { content: [{ type: "text", text: step.thought }, ...step.calls] };
  return { content: [{ type: "text", text: summary(wake, body) }], stop_reason: "end_turn" };
}

function plan(wake: WakeFacts, offered: Set<string>): { thought: string; calls: ContentBlock[] }[] {
  const reads: ContentBlock[] = [];
  if (offered.has("kora__get_probe_status")) {
    reads.push(toolUse("kora__get_probe_status", { probe: wake.probe }));
  }
  if (wake.probe === "fly" && offered.has("kora__get_fly_machine")) {
    reads.push(toolUse("kora__get_fly_machine", { machine_id: wake.target }));
  }
  const steps: { thought: string; calls: ContentBlock[] }[] = [];
  if (reads.length > 0) {
    steps.push({ thought: `Looking at ${wake.probe} target ${wake.target} before acting.`, calls: reads });
  }
  if (wake.probe === "fly" && offered.has("kora__attempt_probe_autofix")) {
    steps.push({
      thought: `Machine ${wake.target} is not running; trying the Fly restart envelope.`,
      calls: [
        toolUse("kora__attempt_probe_autofix", {
          probe: "fly",
          action: "restart_machine",
          target_id: wake.target,
          reason: `machine ${wake.target} reported unhealthy by the fly probe; restarting it is the envelope's fix`,
        }),
      ],
    });
  }
  return steps;
}

function toolUse(name: string, input: Record<string, unknown>): ContentBlock {
  return { type: "tool_use", id: `toolu_fake${crypto.randomUUID().replace(/-/g, "").slice(0, 18)}`, name, input };
}

function wakeFrom(body: MessagesRequest): WakeFacts | undefined {
  const first = body.messages[0];
  if (!first) return undefined;
  const text =
    typeof first.content === "string"
      ? first.content
      : first.content
          .filter((block) => block.type === "text")
          .map((block) => String(block.text))
          .join("\n");
  const fenced = /```json\n([\s\S]*?)\n```/.exec(text)?.[1];
  if (!fenced) return undefined;
  try {
    const data = JSON.parse(fenced) as Record<string, unknown>;
    const wake = (typeof data.wake === "object" && data.wake !== null ? data.wake : data) as Record<string, unknown>;
    if (typeof wake.probe !== "string" || typeof wake.target !== "string") return undefined;
    return { probe: wake.probe, target: wake.target };
  } catch {
    return undefined;
  }
}

/** Reports the fix attempt's result as the tool returned it (or says none was tried). */
function summary(wake: WakeFacts, body: MessagesRequest): string {
  const attemptIds = new Set<unknown>();
  const results = new Map<unknown, string>();
  for (const message of body.messages) {
    if (typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type === "tool_use" && block.name === "kora__attempt_probe_autofix") attemptIds.add(block.id);
      if (block.type === "tool_result") results.set(block.tool_use_id, resultText(block.content));
    }
  }
  const raw = [...attemptIds].map((id) => results.get(id)).find((text) => text !== undefined);
  if (raw === undefined) {
    return `${wake.probe} target ${wake.target} is unhealthy. I did not attempt a fix; the operator should look at it.`;
  }
  let result: Record<string, unknown>;
  try {
    // Kora fences each tool result as untrusted data: the JSON is inside the fence.
    result = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(raw)?.[1] ?? raw) as Record<string, unknown>;
  } catch {
    return `${wake.probe} target ${wake.target} is unhealthy. The fix attempt answered: ${raw.slice(0, 300)}`;
  }
  const status = String(result.status ?? "unknown");
  const detail =
    status === "attempted"
      ? `outcome ${String(result.outcome ?? "unknown")}`
      : status === "rejected"
        ? `rejected by the gates (${String(result.rejection_reason ?? "unknown")})`
        : `failed (${String(result.error ?? "unknown error")})`;
  return `${wake.probe} target ${wake.target} was unhealthy. I tried restart_machine: ${status}, ${detail}.`;
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part: { type?: string; text?: string }) => (part.type === "text" ? (part.text ?? "") : ""))
      .join("");
  }
  return "";
}
