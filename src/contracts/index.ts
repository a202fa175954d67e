/**
 * The names and shapes every capability shares (see docs/design.md, "Map"). Nothing here
 * imports a capability: capabilities import this folder, never the other way round.
 */
export { constantTimeEqual, sha256Hex } from "./crypto";
export * from "./dm";
export * from "./envelopes";
export * from "./incident";
export * from "./probes";
export * from "./result";
export * from "./seams";
export * from "./tool-context";
export * from "./wake";
export * from "./zod-error";
export * from "./rows/autofix";
export * from "./rows/autonomy";
export * from "./rows/events";
export * from "./rows/export";
export * from "./rows/incident";
export * from "./rows/operator";
export * from "./rows/tools";
export * from "./rows/wake";
