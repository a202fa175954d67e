import type { Config, KoraEnv } from "../config";

/** Hourly export of the audit trail to R2 (DESIGN §7). */
export async function runAuditExport(_env: KoraEnv, _config: Config, _now: Date): Promise<void> {}
