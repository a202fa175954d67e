/** The public entry of wake/: what other folders may import. Everything else here is internal. */
export { consumeWakeBatch } from "./consumer";
export { consumeDeadLetters } from "./dead-letter";
