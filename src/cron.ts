import { runAuditExport } from "./export";
import { parseConfig, type KoraEnv } from "./config";
import { runProbeCycle } from "./probes";

export const PROBE_CRON = "* * * * *";
export const EXPORT_CRON = "7 * * * *";

/** Dispatches a Cron Trigger on `controller.cron`; a config error stops the work, named. */
export async function handleScheduled(controller: ScheduledController, env: KoraEnv): Promise<void> {
  const config = parseConfig(env);
  const now = new Date(controller.scheduledTime);
  switch (controller.cron) {
    case PROBE_CRON:
      await runProbeCycle(env, config, now);
      return;
    case EXPORT_CRON:
      await runAuditExport(env, config, now);
      return;
    default:
      console.warn(JSON.stringify({ kora_warning: `no work is bound to cron "${controller.cron}"` }));
  }
}
