import { app } from "./http/app";
import { handleQueue } from "./wake/queue-handler";
import { handleScheduled } from "./cron";
import type { WakeMessage } from "./wake/message";

export default {
  fetch: app.fetch,
  scheduled: handleScheduled,
  queue: handleQueue,
} satisfies ExportedHandler<Env, WakeMessage>;
