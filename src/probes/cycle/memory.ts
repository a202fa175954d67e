import { z } from "zod";
import { ProbeStatus, WakeKind, type ProbeDetail, type ProbeResult, type ProbeStatus as Status } from "../../contracts";

/**
 * What the cycle remembers per (probe, target) between cycles (table `probe_state`), and the one
 * rule for what a new result changes. A result that changes nothing the rules or an operator
 * need is not written at all (issue 20): a quiet fleet costs reads, not writes.
 */
export interface TargetMemory {
  last_status: Status;
  last_detail: ProbeDetail;
  last_observed_at: string;
  consecutive_unhealthy: number;
  status_since: string | null;
  unhealthy_since: string | null;
  last_wake_at: string | null;
  last_wake_id: string | null;
  last_wake_kind: WakeKind | null;
  incident_id: string | null;
}

/** Rows read back from D1 are parsed like any other edge; a detail that no longer parses is kept as text. */
const detailColumn = z.string().transform((text): ProbeDetail => {
  try {
    const parsed = z.looseObject({ summary: z.string() }).safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  return { summary: "(detail unreadable)" };
});

const MemoryRow = z.object({
  probe: z.string(),
  target: z.string(),
  last_status: ProbeStatus,
  last_detail: detailColumn,
  last_observed_at: z.string(),
  consecutive_unhealthy: z.number().int().nonnegative(),
  status_since: z.string().nullable(),
  unhealthy_since: z.string().nullable(),
  last_wake_at: z.string().nullable(),
  last_wake_id: z.string().nullable(),
  last_wake_kind: WakeKind.nullable().catch(null),
  incident_id: z.string().nullable(),
});

export const memoryKey = (probe: string, target: string) => `${probe}\u0000${target}`;

/** Every target's memory, keyed by `memoryKey`. Targets are tens to a few hundred rows. */
export async function loadTargetMemory(
  db: D1Database,
): Promise<Map<string, TargetMemory & { probe: string; target: string }>> {
  const { results } = await db.prepare(`SELECT ${Object.keys(MemoryRow.shape).join(", ")} FROM probe_state`).all();
  const memory = new Map<string, TargetMemory & { probe: string; target: string }>();
  for (const row of z.array(MemoryRow).parse(results)) memory.set(memoryKey(row.probe, row.target), row);
  return memory;
}

/** The part of a target's memory one result can change (the wake columns belong to the wake claim). */
export interface TargetState {
  status: Status;
  detail: ProbeDetail;
  observed_at: string;
  consecutive_unhealthy: number;
  status_since: string;
  unhealthy_since: string | null;
}

export interface NextState {
  state: TargetState;
  /** Something worth a write: a new target, its status, its count, or a detail that matters. */
  changed: boolean;
  /** Set when the status itself changed: one `probe_transitions` row. */
  transition: { from_status: Status | null; to_status: Status } | null;
}

/**
 * The count rule of DESIGN §2 (pure): unhealthy adds one, healthy or skipped resets it, and an
 * `error` leaves it alone, because a cycle that could not look neither confirms nor clears the
 * trouble. The unhealthy streak's first observation survives `error` cycles the same way.
 */
export function nextTargetState(previous: TargetMemory | undefined, result: ProbeResult, now: Date): NextState {
  const nowIso = now.toISOString();
  const count = previous?.consecutive_unhealthy ?? 0;
  const streakStart = previous?.unhealthy_since ?? null;
  let consecutive = count;
  let unhealthySince = streakStart;
  switch (result.status) {
    case "unhealthy":
      consecutive = count + 1;
      unhealthySince = count > 0 && streakStart ? streakStart : nowIso;
      break;
    case "healthy":
    case "skipped":
      consecutive = 0;
      unhealthySince = null;
      break;
    case "error":
      break;
  }
  const statusChanged = previous?.last_status !== result.status;
  const state: TargetState = {
    status: result.status,
    detail: result.detail,
    observed_at: result.observed_at,
    consecutive_unhealthy: consecutive,
    status_since: statusChanged || !previous?.status_since ? nowIso : previous.status_since,
    unhealthy_since: unhealthySince,
  };
  const changed =
    !previous ||
    statusChanged ||
    previous.consecutive_unhealthy !== consecutive ||
    previous.unhealthy_since !== unhealthySince ||
    previous.status_since !== state.status_since ||
    detailFingerprint(previous.last_detail) !== detailFingerprint(result.detail);
  return {
    state,
    changed,
    transition: statusChanged ? { from_status: previous?.last_status ?? null, to_status: result.status } : null,
  };
}

/**
 * What of a detail matters enough to write: everything but its numbers and its `summary` (which
 * renders the other fields, numbers included). A healthy Sentry project whose error count moves
 * every minute, or a Fly app listing that counts its machines, is the same fact minute after
 * minute; a new deployment id, another exit reason or a failing check is a new one.
 */
export function detailFingerprint(detail: ProbeDetail): string {
  const strip = (value: unknown): unknown => {
    if (typeof value === "number") return null;
    if (Array.isArray(value)) return value.map(strip);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== "summary")
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, child]) => [key, strip(child)]),
      );
    }
    return value;
  };
  return JSON.stringify(strip(detail));
}
