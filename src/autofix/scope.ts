import type { AuditSource, IncidentScope, ProbeName } from "../contracts";

/**
 * Gate 5's first question, pure and before any call to Fly (DESIGN §4): a fix from the reasoning
 * loop must name one of the targets of the wake being investigated. The model reads provider
 * output (machine names, logs, events) that anyone who can deploy may write; without this, text
 * like "the real fault is machine X, restart it" could point the loop at any machine in any app.
 * MCP callers and operators are not bound to one incident: their own gates (capabilities, the
 * approval) decide what they may name.
 */

export type ScopeCheck =
  | {
      ok: true;
      /** The incident this fix belongs to (reasoning only). */
      incident_id?: string;
      /** Where the wake saw the machine: gate 5 looks there and nowhere else. */
      fly_app?: string;
    }
  | {
      ok: false;
      rejection_reason: "target_outside_incident";
      rejection_detail: {
        why: "no_incident" | "other_probe" | "not_a_target";
        incident_id: string | null;
        incident_probe: ProbeName | null;
        incident_targets: string[];
        incident_target_count: number;
      };
    };

/** How many of the incident's targets a refusal lists (a storm may have up to 100). */
const LISTED_TARGETS = 10;

export function checkIncidentScope(
  request: { probe: ProbeName; target_id: string },
  caller: { source: AuditSource; incident?: IncidentScope },
): ScopeCheck {
  if (caller.source !== "reasoning") return { ok: true };
  const incident = caller.incident;
  const refuse = (why: "no_incident" | "other_probe" | "not_a_target"): ScopeCheck => ({
    ok: false,
    rejection_reason: "target_outside_incident",
    rejection_detail: {
      why,
      incident_id: incident?.incident_id ?? null,
      incident_probe: incident?.probe ?? null,
      incident_targets: (incident?.targets ?? []).slice(0, LISTED_TARGETS).map((entry) => entry.target),
      incident_target_count: incident?.targets.length ?? 0,
    },
  });
  // A reasoning call with no incident has nothing it may fix: fail closed.
  if (!incident) return refuse("no_incident");
  if (incident.probe !== request.probe) return refuse("other_probe");
  const target = incident.targets.find((entry) => entry.target === request.target_id);
  if (!target) return refuse("not_a_target");
  return {
    ok: true,
    incident_id: incident.incident_id,
    ...(target.fly_app ? { fly_app: target.fly_app } : {}),
  };
}
