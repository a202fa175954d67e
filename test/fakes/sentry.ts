/**
 * Fake Sentry API: Discover `GET /api/0/organizations/{org}/events-stats/` (docs/provider-apis.md §5),
 * which Kora calls, and the documented `GET …/events-timeseries/` (listOrganizationEventsTimeseries
 * in getsentry/sentry-api-schema, test/contracts/), with a switchable error rate per project, and
 * Sentry's `{ detail }` error bodies.
 */
import { bearerToken, tokenAccepted } from "./tokens.ts";
import type { FakeRequest, FakeResponse, ProviderFake } from "./world.ts";

export class SentryFake implements ProviderFake {
  readonly name = "sentry";
  /** `org/project` → error events per minute. */
  projects = new Map<string, number>();
  validTokens: string[] = [];

  reset(): void {
    this.projects.clear();
    this.validTokens = [];
  }

  control(command: string, body: unknown): unknown {
    const input = body as Record<string, unknown>;
    switch (command) {
      case "project":
        this.projects.set(`${String(input.org)}/${String(input.project)}`, Number(input.errors_per_minute ?? 0));
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
    const timeseries = /^\/api\/0\/organizations\/([^/]+)\/events-timeseries\/$/.exec(request.path);
    if (timeseries && request.method === "GET") return this.#timeseries(timeseries[1] ?? "", request.url.searchParams);
    const match = /^\/api\/0\/organizations\/([^/]+)\/events-stats\/?$/.exec(request.path);
    if (!match || request.method !== "GET")
      return { status: 404, body: { detail: "The requested resource does not exist" } };
    const org = match[1] ?? "";
    const query = request.url.searchParams;
    const projectSlug = /(?:^|\s)project:(\S+)/.exec(query.get("query") ?? "")?.[1];
    const perMinute = projectSlug ? this.projects.get(`${org}/${projectSlug}`) : undefined;
    if (perMinute === undefined) return { status: 404, body: { detail: "The requested resource does not exist" } };
    const period = /^(\d+)m$/.exec(query.get("statsPeriod") ?? "");
    if (!period || query.get("interval") !== "1m") {
      return { status: 400, body: { detail: "statsPeriod must be minutes (e.g. 5m) and interval 1m" } };
    }
    const minutes = Number(period[1]);
    const end = Math.floor(Date.now() / 60_000) * 60;
    return {
      status: 200,
      body: {
        data: Array.from({ length: minutes }, (_, i) => [end - (minutes - 1 - i) * 60, [{ count: perMinute }]]),
        start: end - minutes * 60,
        end,
      },
    };
  }

  /** `dataset=errors`, `project` slugs (all of the org's when absent), `statsPeriod=Nm`, `interval` in seconds. */
  #timeseries(org: string, query: URLSearchParams): FakeResponse {
    if (query.get("dataset") !== "errors") return { status: 400, body: { detail: "dataset must be errors" } };
    const period = /^(\d+)m$/.exec(query.get("statsPeriod") ?? "");
    if (!period || query.get("interval") !== "60") {
      return { status: 400, body: { detail: "statsPeriod must be minutes (e.g. 5m) and interval 60" } };
    }
    const slugs = query.getAll("project");
    const rates = [...this.projects]
      .filter(([key]) => key.startsWith(`${org}/`) && (slugs.length === 0 || slugs.includes(key.slice(org.length + 1))))
      .map(([, perMinute]) => perMinute);
    if (rates.length === 0) return { status: 404, body: { detail: "The requested resource does not exist" } };
    const perMinute = rates.reduce((sum, rate) => sum + rate, 0);
    const minutes = Number(period[1]);
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    return {
      status: 200,
      body: {
        meta: { dataset: "errors", start: end - minutes * 60_000, end },
        timeSeries: [
          {
            yAxis: query.get("yAxis") ?? "count()",
            values: Array.from({ length: minutes }, (_, i) => ({
              timestamp: end - (minutes - i) * 60_000,
              value: perMinute,
              incomplete: false,
            })),
            meta: { interval: 60_000, valueType: "integer", valueUnit: null },
          },
        ],
      },
    };
  }
}
