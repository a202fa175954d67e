import { app } from "./http/app";
import { handleQueue } from "./queue";
import { handleScheduled } from "./cron";
import type { WakeMessage } from "./contracts";

export default {
  fetch: app.fetch,
  scheduled: handleScheduled,
  queue: handleQueue,
} satisfies ExportedHandler<Env, WakeMessage>;
