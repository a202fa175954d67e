import type { ProbeName } from "../contracts";
import type { FixBudget } from "./investigation-dm";

/** A fix of an incident that reached the provider, as its audit row tells it. */
export interface FixRecap {
  action: string;
  target_id: string;
  /** When its row was written. */
  at: string;
  /** `reasoning` (Kora on its own) or `operator` (an approved fix). */
  source: string;
  outcome: string | null;
}

export interface FollowUpTarget {
  target: string;
  /** The probe's one-line summary (untrusted: escaped where it is shown). */
  summary: string;
  unhealthy_since?: string;
  status_changes?: number;
}

/** Everything a re-failure or flapping message says, gathered before any text is written. */
export interface FollowUpFacts {
  incident_id: string;
  probe: ProbeName;
  targets: FollowUpTarget[];
  /** The cycle that saw it fail again (or flap): a probe cycle's scheduled time. */
  observed_at: string;
  last_fix: FixRecap | null;
  fixes: number;
  budgets: FixBudget[];
  flap_window_minutes: number;
  /** True when the incident had been resolved and this re-opens it. */
  reopened: boolean;
}

export interface ResolutionFacts {
  incident_id: string;
  probe: ProbeName;
  targets: string[];
  resolved_by: "kora_fix" | "operator_fix" | "self";
  duration_ms: number;
  first_unhealthy_at: string;
  recovered_at: string;
  fixes: number;
  healthy_cycles: number;
}
