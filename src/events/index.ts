/** The public entry of events/: what other folders may import. Everything else here is internal. */
export { type ProviderEvent, type EventReading } from "./provider-event";
export { checkEventHint, receiveProviderEvent, type Receipt } from "./receive";
export { readSentryEvent } from "./sentry-event";
export { verifyHexHmac, type SignatureCheck } from "./signature";
export { readVercelEvent } from "./vercel-event";
