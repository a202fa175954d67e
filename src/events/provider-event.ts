import type { ProbeName } from "../contracts";

/** One verified provider event, read into what Kora does with it (DESIGN §13). */
export interface ProviderEvent {
  provider: "sentry" | "vercel";
  probe: Extract<ProbeName, "sentry" | "vercel">;
  /** The provider's own id of the event: stable across its redeliveries. */
  event_key: string;
  /** `event_alert.triggered`, `deployment.error`, … */
  kind: string;
  /** The configured target it is about (null for a kind that names no project). */
  target: string | null;
  /** About trouble on that target: Kora probes it at once. Other kinds are recorded only. */
  hint: boolean;
  /** What the provider said, for the audit row (raw: redacted and bounded when stored). */
  summary: string;
}

/** A verified body that is not an event Kora can take: each answers one clear 4xx. */
export type EventReading =
  | { ok: true; event: ProviderEvent }
  | { ok: false; status: 400 | 422; code: "invalid_payload" | "stale_event" | "unconfigured_project"; message: string };
