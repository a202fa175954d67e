/** The public entry of probes/: what other folders may import. Everything else here is internal. */
export { runProbeCycle } from "./cycle/cycle";
export { getProbeHistory, getProbeStatus, getRecentCycles, type ProbeCycleRow, type ProbeStatusRow } from "./queries";
export { runAllProbes } from "./providers/run-probes";
