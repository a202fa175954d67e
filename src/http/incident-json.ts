import { rootDmOf } from "../contracts";
import type { IncidentDetail, IncidentRecord } from "../audit/incidents";
import type { IncidentLife } from "./incident-life";
import { incidentDowntime } from "./incident-life";

/** How `/api/incidents` shows one incident: the row, its targets, and what happened in it. */
export function incidentJson(record: IncidentRecord, life: IncidentLife, now: Date) {
  const { incident, targets, activity } = record;
  return {
    id: incident.id,
    probe: incident.probe,
    status: incident.status,
    opened_at: incident.opened_at,
    first_unhealthy_at: incident.first_unhealthy_at,
    down: incidentDowntime(incident, now),
    recovered_at: incident.recovered_at,
    resolved_at: incident.resolved_at,
    resolved_by: incident.resolved_by,
    escalation: incident.escalated_at ? { at: incident.escalated_at, reason: incident.escalation_reason } : null,
    operator_asked: incident.operator_asked,
    targets: targets.map(({ target, fly_app }) => ({ target, fly_app })),
    wakes: activity.wakes,
    fixes: activity.fixes,
    cost_usd: activity.cost_usd,
    root_dm: rootDmOf(incident),
    life: lifeJson(life),
    timeline: `/api/sessions/${encodeURIComponent(incident.id)}/timeline`,
  };
}

export function incidentDetailJson(detail: IncidentDetail, life: IncidentLife, now: Date) {
  return {
    ...incidentJson(detail, life, now),
    investigations: detail.investigations,
    unreadable_rows: detail.activity.unreadable_rows,
  };
}

function lifeJson(life: IncidentLife) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    from: iso(life.from),
    to: iso(life.to),
    targets: life.lanes.map((lane) => ({
      target: lane.target,
      intervals: lane.intervals.map((interval) => ({
        status: interval.status,
        from: iso(interval.from),
        to: iso(interval.to),
      })),
    })),
    more_targets: life.more_targets,
    marks: life.marks.map((mark) => ({ ...mark, at: iso(mark.at) })),
  };
}
