/** The public entry of probes/: what other folders may import. Everything else here is internal. */
export { runProbeCycle } from "./cycle/cycle";
export { wakeOnEvent, type EventCheck, type EventHint } from "./cycle/event";
export {
  getProbeStatus,
  getRecentCycles,
  getTargetTransitions,
  getTransitionsInWindow,
  type ProbeCycleRow,
  type ProbeStatusRow,
  type ProbeTransitionRow,
  type TargetKey,
} from "./queries";
export {
  formatUptime,
  statusIntervals,
  uptimeOf,
  type StatusChange,
  type StatusInterval,
  type TimelineStatus,
  type Uptime,
} from "./uptime";
export { runAllProbes } from "./providers/run-probes";
