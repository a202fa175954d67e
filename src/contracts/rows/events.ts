import { z } from "zod";
import { ProbeName } from "../probes";

/**
 * `probe.event_received` (DESIGN §13), written by the webhook routes (src/events/) once per
 * verified provider event. `hint` says whether the event was about trouble on a configured
 * target (Kora then probes it at once); other kinds are acknowledged and recorded only.
 */
export const EventReceivedDetails = z.object({
  provider: z.enum(["sentry", "vercel"]),
  /** The provider's own id of the event: what makes a redelivery a no-op. */
  event_key: z.string(),
  /** `Sentry-Hook-Resource` + action (`event_alert.triggered`), or the Vercel event type. */
  kind: z.string(),
  probe: ProbeName,
  target: z.string().nullable(),
  hint: z.boolean(),
  /** One line an operator can read: what the provider said (bounded, redacted). */
  summary: z.string(),
});
export type EventReceivedDetails = z.infer<typeof EventReceivedDetails>;
