/** The public entry of incidents/: what other folders may import. Everything else here is internal. */
export { escalate, type Escalation, mayEscalate } from "./escalate";
export { readIncidentFixes, type IncidentFixRow } from "./fixes";
export { type Incident, incidentIdOf, isActive, type IncidentStatus } from "./model";
export { resolveIncident, type Resolution } from "./resolve";
export {
  checkResolution,
  countFlapChanges,
  type IncidentSettings,
  isRefailure,
  minutesSince,
  type StatusChange,
  type TargetHealth,
  withinCooldown,
} from "./rules";
export { parseStoredBlocks } from "./stored-blocks";
export {
  deleteUnsentIncidentStatements,
  escalateIncident,
  getIncident,
  insertIncidentStatements,
  loadActiveIncidents,
  markOperatorAsked,
  type NewIncident,
  refreshFixes,
  refreshFixesStatement,
  setRootDm,
} from "./store";
