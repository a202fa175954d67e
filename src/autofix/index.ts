/** The public entry of autofix/: what other folders may import. Everything else here is internal. */
export { attemptProbeAutofix, type AutofixResult } from "./attempt";
export { fleetRestartsLeftThisHour, restartsLeftThisHour } from "./budget";
export { runAutofixGates } from "./gates";
export type { ExecutorLimits } from "./limits";
