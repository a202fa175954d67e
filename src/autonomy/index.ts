/** The public entry of autonomy/: what other folders may import. Everything else here is internal. */
export {
  changeAutonomySwitch,
  readAutonomyPause,
  readAutonomySwitch,
  pauseOf,
  AUTONOMY_SESSION,
  REASON_MAX_CHARS,
  type AutonomySwitch,
  type SwitchChange,
  type SwitchOutcome,
  type SwitchRequest,
} from "./switch-store";
export { labelShadowDecisions } from "./label-cycle";
export {
  readEnvelopeReport,
  DEFAULT_WINDOW_DAYS,
  type DecisionSummary,
  type EnvelopeReport,
  type EnvelopeSummary,
} from "./envelope-report";
