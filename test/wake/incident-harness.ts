import { env } from "cloudflare:workers";
import type { KoraEnv } from "../../src/config";
import { WakeMessage } from "../../src/contracts";
import type { SlackPost } from "../fakes/slack.ts";
import { clearProbeTables, fireCycle, probeEnv, RecordingQueue, seedHealthyWorld } from "../probes/harness";
import { world } from "../world";
import { anthropicStats, deliver } from "./helpers";

/** The machine the incident tests crash: the first of the healthy world's production app. */
export const MACHINE = "148e21ea7d9089";
export const APP = "kora-web";

/**
 * One incident from the outside: the real probe cron against the fake world, its wakes kept by a
 * recording queue and handed to the real queue consumer when the test says so. Minutes count
 * from the current one, so the wall-clock times of fixes and clicks sit among the cycles'
 * scheduled times as they do in production.
 */
export class IncidentWorld {
  readonly env: KoraEnv;
  readonly queue: RecordingQueue;
  readonly base = Math.floor(Date.now() / 60_000) * 60_000;
  #delivered = 0;

  constructor(vars: Record<string, string>) {
    const { env: koraEnv, queue } = probeEnv(vars);
    this.env = koraEnv;
    this.queue = queue;
  }

  at(minute: number): number {
    return this.base + minute * 60_000;
  }

  iso(minute: number): string {
    return new Date(this.at(minute)).toISOString();
  }

  async cycle(...minutes: number[]): Promise<void> {
    for (const minute of minutes) await fireCycle(this.env, this.at(minute));
  }

  /** Every wake sent since the last call, delivered to the consumer one by one. */
  async deliverNew(): Promise<WakeMessage[]> {
    const fresh = this.queue.messages.slice(this.#delivered);
    this.#delivered = this.queue.messages.length;
    for (const body of fresh) await deliver(body, { env: this.env });
    return fresh.map((body) => WakeMessage.parse(body));
  }

  /**
   * Minutes 0–4 of a re-failure: the machine crashes, wakes, Kora fixes it, it is healthy for a
   * cycle and crashes again; the follow-up wake is queued, not yet delivered. Returns the first wake.
   */
  async fixThenRecrash(): Promise<WakeMessage> {
    await world.fly.crash(MACHINE);
    await this.cycle(0, 1);
    const [wake] = await this.deliverNew();
    if (!wake) throw new Error("the crash did not wake Kora");
    await this.cycle(2);
    await world.fly.crash(MACHINE);
    await this.cycle(3, 4);
    return wake;
  }

  /** Delivers a wake again, as the queue may (at-least-once). */
  async redeliver(wake: WakeMessage): Promise<void> {
    await deliver(wake, { env: this.env, attempts: 2 });
  }
}

export async function startIncidentWorld(vars: Record<string, string> = {}): Promise<IncidentWorld> {
  await clearProbeTables();
  await seedHealthyWorld();
  return new IncidentWorld(vars);
}

/** The machine is healthy again: started with passing checks, as if someone (or something) started it. */
export const restoreMachine = (id = MACHINE, app = APP) => world.fly.machines([{ app, id }]);

export const ENVELOPE_ON = { KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" };

export interface IncidentRowSeen {
  id: string;
  status: string;
  escalation_reason: string | null;
  resolved_by: string | null;
  recovered_at: string | null;
  resolved_at: string | null;
  first_unhealthy_at: string;
  root_dm_ts: string | null;
  fixes: number;
  operator_asked: number;
}

export async function incidentRow(id: string): Promise<IncidentRowSeen | null> {
  return env.DB.prepare(
    `SELECT id, status, escalation_reason, resolved_by, recovered_at, resolved_at, first_unhealthy_at, root_dm_ts,
       fixes, operator_asked FROM incidents WHERE id = ?1`,
  )
    .bind(id)
    .first<IncidentRowSeen>();
}

export async function seamRows(session: string, seam: string): Promise<Record<string, unknown>[]> {
  const { results } = await env.DB.prepare(
    "SELECT details FROM audit_events WHERE caller_session_id = ?1 AND seam = ?2 ORDER BY seq",
  )
    .bind(session, seam)
    .all<{ details: string }>();
  return results.map((row) => JSON.parse(row.details) as Record<string, unknown>);
}

/** What the operator's Slack holds: every post, with its thread and edits. */
export const posts = (): Promise<SlackPost[]> => world.slack.posts();

export const flyMutationCount = async () => (await world.requests({ provider: "fly", mutating: true })).length;
export const modelRequests = async () => (await anthropicStats()).requests;

/** Every text of a post, blocks included, for "does it say …" checks. */
export const textOf = (post: SlackPost | undefined) => `${post?.text ?? ""}\n${JSON.stringify(post?.blocks ?? [])}`;
