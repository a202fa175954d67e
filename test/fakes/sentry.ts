/**
 * Fake Sentry API (docs/provider-apis.md §5), answering as Sentry's own endpoint code does:
 *
 * - `GET /api/0/organizations/{org}/events-timeseries/` (listOrganizationEventsTimeseries, the public
 *   endpoint Kora reads) and the experimental `…/events-stats/` Kora used to read. Both resolve the
 *   projects from `project=` (numeric ids; a slug is a 400, `-1` is every project the token may
 *   access). Without `project=` they search "the projects I am a member of", and an integration
 *   token is a member of none: the answer is then 200 with no data (`{"timeSeries": []}`,
 *   `{"data": []}`), whatever the query text says. A project the token may not access is a 403.
 * - `GET /api/0/organizations/{org}/projects/` (listOrganizationProjects) with `query=slug:<slug>`.
 * - Buckets whose end falls inside Sentry's 90-second ingestion delay come back `incomplete` and,
 *   here, still empty: a reader that takes them as zero undercounts.
 * - Sentry's `{ detail }` error bodies.
 */
import { bearerToken, tokenAccepted } from "./tokens.ts";
import type { FakeRequest, FakeResponse, ProviderFake } from "./world.ts";

interface FakeProject {
  org: string;
  id: string;
  slug: string;
  errorsPerMinute: number;
}

const INGESTION_DELAY_MS = 90_000;
const NOT_FOUND: FakeResponse = { status: 404, body: { detail: "The requested resource does not exist" } };
const FORBIDDEN: FakeResponse = { status: 403, body: { detail: "You do not have permission to perform this action." } };

export class SentryFake implements ProviderFake {
  readonly name = "sentry";
  projects: FakeProject[] = [];
  /** Project ids the token is a member of (none by default, as for an integration token). */
  members = new Set<string>();
  /** Project ids the token may not access at all. */
  denied = new Set<string>();
  validTokens: string[] = [];
  #nextId = 4_505_000_000_000_001;

  reset(): void {
    this.projects = [];
    this.members.clear();
    this.denied.clear();
    this.validTokens = [];
  }

  control(command: string, body: unknown): unknown {
    const input = body as Record<string, unknown>;
    switch (command) {
      case "project": {
        const org = String(input.org);
        const slug = String(input.project);
        const existing = this.#find(org, slug);
        const project = existing ?? { org, slug, id: String(input.id ?? this.#nextId++), errorsPerMinute: 0 };
        project.errorsPerMinute = Number(input.errors_per_minute ?? 0);
        if (!existing) this.projects.push(project);
        return { ok: true, id: project.id };
      }
      case "membership":
        this.members = new Set(this.#ids(String(input.org), input.projects as string[]));
        return { ok: true };
      case "deny":
        for (const id of this.#ids(String(input.org), input.projects as string[])) this.denied.add(id);
        return { ok: true };
      case "tokens":
        this.validTokens = input.tokens as string[];
        return { ok: true };
      default:
        throw new Error(`unknown sentry control command "${command}"`);
    }
  }

  async handle(request: FakeRequest): Promise<FakeResponse> {
    if (!tokenAccepted(bearerToken(request.headers), this.validTokens)) {
      return { status: 401, body: { detail: "Invalid token" } };
    }
    const match = /^\/api\/0\/organizations\/([^/]+)\/(events-timeseries|events-stats|projects)\/$/.exec(request.path);
    if (!match || request.method !== "GET") return NOT_FOUND;
    const org = decodeURIComponent(match[1] ?? "");
    if (!this.projects.some((p) => p.org === org)) return NOT_FOUND;
    const query = request.url.searchParams;
    switch (match[2]) {
      case "projects":
        return this.#listProjects(org, query);
      case "events-timeseries":
        return this.#timeseries(org, query);
      default:
        return this.#eventsStats(org, query);
    }
  }

  /** `OrganizationEndpoint.get_projects`: requested ids (each must be accessible) or the member set. */
  #resolve(org: string, query: URLSearchParams): FakeProject[] | FakeResponse {
    const requested = query.getAll("project");
    const inOrg = this.projects.filter((p) => p.org === org);
    if (requested.length === 0) return inOrg.filter((p) => this.members.has(p.id));
    if (!requested.every((id) => /^-?\d+$/.test(id))) {
      return { status: 400, body: { detail: "Invalid project parameter. Values must be numbers." } };
    }
    if (requested.includes("-1")) return inOrg.filter((p) => !this.denied.has(p.id));
    const found = inOrg.filter((p) => requested.includes(p.id) && !this.denied.has(p.id));
    return found.length === new Set(requested).size ? found : FORBIDDEN;
  }

  #listProjects(org: string, query: URLSearchParams): FakeResponse {
    const text = query.get("query") ?? "";
    const slugs = [...text.matchAll(/(?:^|\s)slug:(\S+)/g)].map((m) => m[1]);
    const plain = text.replace(/(?:^|\s)\S+:\S+/g, "").trim();
    const listed = this.projects
      .filter((p) => p.org === org)
      .filter((p) => (slugs.length === 0 || slugs.includes(p.slug)) && (!plain || p.slug.includes(plain)))
      .sort((a, b) => a.slug.localeCompare(b.slug));
    return { status: 200, body: listed.map((p) => this.#projectSummary(p)) };
  }

  /** `dataset=errors`, `statsPeriod`, `interval` in seconds, `yAxis=count()`. */
  #timeseries(org: string, query: URLSearchParams): FakeResponse {
    if (query.get("dataset") !== "errors") return { status: 400, body: { detail: "This fake serves dataset=errors" } };
    const resolved = this.#resolve(org, query);
    if (!Array.isArray(resolved)) return resolved;
    if (resolved.length === 0) return { status: 200, body: { timeSeries: [] } };
    const frame = timeFrame(query, 60);
    if ("status" in frame) return frame;
    const yAxis = query.get("yAxis") ?? "count()";
    if (yAxis !== "count()") return { status: 400, body: { detail: `This fake serves yAxis=count(), not ${yAxis}` } };
    const now = Date.now();
    const perBucket = perBucketCount(resolved, frame.intervalMs);
    return {
      status: 200,
      body: {
        meta: { dataset: "errors", start: now - frame.periodMs, end: now },
        timeSeries: [
          {
            yAxis,
            values: bucketStarts(now, frame).map((timestamp) => {
              const incomplete = isIncomplete(timestamp, frame.intervalMs, now);
              return {
                timestamp,
                value: incomplete ? 0 : perBucket,
                incomplete,
                ...(incomplete ? { incompleteReason: "INCOMPLETE_BUCKET" } : {}),
              };
            }),
            meta: { interval: frame.intervalMs, valueType: "integer", valueUnit: null },
          },
        ],
      },
    };
  }

  /** The experimental endpoint: `project:<slug>` in `query` only narrows the resolved projects. */
  #eventsStats(org: string, query: URLSearchParams): FakeResponse {
    const resolved = this.#resolve(org, query);
    if (!Array.isArray(resolved)) return resolved;
    if (resolved.length === 0) return { status: 200, body: { data: [] } };
    const named = [...(query.get("query") ?? "").matchAll(/(?:^|\s)project:(\S+)/g)].map((m) => m[1] ?? "");
    const outside = named.filter((slug) => !resolved.some((p) => p.slug === slug));
    if (outside.length > 0) {
      return {
        status: 400,
        body: { detail: `Invalid query. Project(s) ${outside.join(", ")} do not exist or are not actively selected.` },
      };
    }
    const selected = named.length === 0 ? resolved : resolved.filter((p) => named.includes(p.slug));
    const frame = timeFrame(query, 60);
    if ("status" in frame) return frame;
    const now = Date.now();
    const perBucket = perBucketCount(selected, frame.intervalMs);
    const data = bucketStarts(now, frame).map((start) => [
      start / 1000,
      [{ count: isIncomplete(start, frame.intervalMs, now) ? 0 : perBucket }],
    ]);
    return { status: 200, body: { data, start: (now - frame.periodMs) / 1000, end: now / 1000 } };
  }

  #find(org: string, slug: string): FakeProject | undefined {
    return this.projects.find((p) => p.org === org && p.slug === slug);
  }

  #ids(org: string, slugs: string[]): string[] {
    return slugs.map((slug) => {
      const project = this.#find(org, slug);
      if (!project) throw new Error(`no sentry project ${org}/${slug}`);
      return project.id;
    });
  }

  /** `OrganizationProjectResponse`: every field the published schema requires. */
  #projectSummary(project: FakeProject): Record<string, unknown> {
    const team = { id: "4505000000000100", name: "Platform", slug: "platform" };
    return {
      id: project.id,
      slug: project.slug,
      name: project.slug,
      platform: "node",
      platforms: ["node"],
      dateCreated: "2026-01-05T09:00:00.000000Z",
      isBookmarked: false,
      isMember: this.members.has(project.id),
      hasAccess: !this.denied.has(project.id),
      access: this.denied.has(project.id) ? [] : ["event:read", "project:read", "org:read"],
      features: [],
      firstEvent: "2026-01-05T09:30:00.000000Z",
      firstTransactionEvent: false,
      environments: ["production"],
      latestRelease: null,
      team,
      teams: [team],
      ...Object.fromEntries(PROJECT_FLAGS.map((flag) => [flag, false])),
    };
  }
}

const PROJECT_FLAGS = [
  "hasFeedbacks",
  "hasFlags",
  "hasInsightsAgentMonitoring",
  "hasInsightsAppStart",
  "hasInsightsAssets",
  "hasInsightsCaches",
  "hasInsightsDb",
  "hasInsightsHttp",
  "hasInsightsMCP",
  "hasInsightsQueues",
  "hasInsightsScreenLoad",
  "hasInsightsVitals",
  "hasLogs",
  "hasMinifiedStackTrace",
  "hasMonitors",
  "hasNewFeedbacks",
  "hasProfiles",
  "hasReplays",
  "hasSessions",
  "hasTraceMetrics",
  "hasUserReports",
];

interface TimeFrame {
  periodMs: number;
  intervalMs: number;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `statsPeriod` (`15m`, `1h`, …) and `interval` (`60`, `60s`, `1m`; like Sentry, a bad one falls back). */
function timeFrame(query: URLSearchParams, defaultIntervalSeconds: number): TimeFrame | FakeResponse {
  const period = /^(\d+)([smhdw])$/.exec(query.get("statsPeriod") ?? "");
  if (!period) return { status: 400, body: { detail: "Invalid date range: statsPeriod is required here" } };
  const periodMs = Number(period[1]) * (UNIT_MS[period[2] ?? "m"] ?? 60_000);
  const interval = /^(\d+)([smhdw]?)$/.exec(query.get("interval") ?? "");
  const intervalMs = interval
    ? Number(interval[1]) * (interval[2] ? (UNIT_MS[interval[2]] ?? 1_000) : 1_000)
    : defaultIntervalSeconds * 1_000;
  return { periodMs, intervalMs: intervalMs > 0 ? intervalMs : defaultIntervalSeconds * 1_000 };
}

/** Zero-filled buckets from the start of the period, aligned to the interval, up to now. */
function bucketStarts(now: number, frame: TimeFrame): number[] {
  const first = Math.floor((now - frame.periodMs) / frame.intervalMs) * frame.intervalMs;
  const starts: number[] = [];
  for (let start = first; start <= now; start += frame.intervalMs) starts.push(start);
  return starts;
}

/** Sentry's `check_incomplete`: the bucket ends inside the ingestion delay. */
function isIncomplete(start: number, intervalMs: number, now: number): boolean {
  return start + intervalMs >= now - INGESTION_DELAY_MS;
}

function perBucketCount(projects: FakeProject[], intervalMs: number): number {
  return projects.reduce((sum, p) => sum + p.errorsPerMinute, 0) * (intervalMs / 60_000);
}
