/** The public entry of reasoning/: what other folders may import. Everything else here is internal. */
export { chooseEngine, readSpendToday, ZERO_USAGE, type EngineChoice } from "./cost";
export { runReasoningLoop, type LoopLimits, type ReasoningOutcome } from "./loop";
export { anyFixActionSent, fixAttemptsFrom } from "./tool-use";
