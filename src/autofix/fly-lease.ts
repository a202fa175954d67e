import type { FlyClient, FlyError } from "../fly/client";

export type LeaseOutcome =
  | { kind: "leased"; app: string; nonce: string }
  | { kind: "not_found"; apps_checked: string[] }
  | { kind: "busy"; app: string; fly_message: string }
  | { kind: "error"; app: string; error: FlyError };

/**
 * Takes Kora's lease on the machine, trying `apps` in order. The lease comes first, before any
 * read: a 404 from it means the machine is not in that app (so no separate lookup is needed), a
 * 409 means someone else (a deploy) holds it, and the one read that decides runs under the lease,
 * where no one else can change the machine in between. Any other failure stops the search: the
 * machine may be in that app, and trying the next would act blind.
 */
export async function leaseTarget(
  client: FlyClient,
  apps: readonly string[],
  id: string,
  options: { ttl_seconds: number; description: string },
): Promise<LeaseOutcome> {
  for (const app of apps) {
    const lease = await client.acquireLease(app, id, options);
    if (lease.ok) return { kind: "leased", app, nonce: lease.value.nonce };
    switch (lease.error.kind) {
      case "not_found":
        continue;
      case "conflict":
        return { kind: "busy", app, fly_message: lease.error.provider_message ?? lease.error.message };
      default:
        return { kind: "error", app, error: lease.error };
    }
  }
  return { kind: "not_found", apps_checked: [...apps] };
}
