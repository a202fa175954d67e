/**
 * Fake Supabase Management API: `GET /v1/projects/{ref}/health?services=…` (docs/provider-apis.md §3),
 * with per-service health switchable from the control API and the Management API's error bodies.
 */
import { bearerToken, tokenAccepted } from "./tokens.ts";
import type { FakeRequest, FakeResponse, ProviderFake } from "./world.ts";

export const SUPABASE_SERVICES = [
  "auth",
  "db",
  "db_postgres_user",
  "pooler",
  "realtime",
  "rest",
  "storage",
  "pg_bouncer",
];
export type SupabaseServiceStatus = "COMING_UP" | "ACTIVE_HEALTHY" | "UNHEALTHY";

export class SupabaseFake implements ProviderFake {
  readonly name = "supabase";
  /** ref → service → status; a service not listed is ACTIVE_HEALTHY. */
  projects = new Map<string, Map<string, SupabaseServiceStatus>>();
  validTokens: string[] = [];

  reset(): void {
    this.projects.clear();
    this.validTokens = [];
  }

  control(command: string, body: unknown): unknown {
    const input = body as Record<string, unknown>;
    switch (command) {
      case "project": {
        const statuses = (input.services ?? {}) as Record<string, SupabaseServiceStatus>;
        this.projects.set(String(input.ref), new Map(Object.entries(statuses)));
        return { ok: true };
      }
      case "service": {
        const project = this.projects.get(String(input.ref));
        if (!project) throw new Error(`no project ${String(input.ref)}`);
        project.set(String(input.service), input.status as SupabaseServiceStatus);
        return { ok: true };
      }
      case "tokens":
        this.validTokens = input.tokens as string[];
        return { ok: true };
      default:
        throw new Error(`unknown supabase control command "${command}"`);
    }
  }

  async handle(request: FakeRequest): Promise<FakeResponse> {
    if (!tokenAccepted(bearerToken(request.headers), this.validTokens)) {
      return { status: 401, body: { message: "Unauthorized" } };
    }
    const match = /^\/v1\/projects\/([^/]+)\/health\/?$/.exec(request.path);
    if (!match || request.method !== "GET") return { status: 404, body: { message: "Not Found" } };
    const project = this.projects.get(match[1] ?? "");
    if (!project) return { status: 404, body: { message: "Project not found" } };

    const services = request.url.searchParams.getAll("services");
    if (services.length === 0) return { status: 400, body: { message: "services must be an array" } };
    const unknown = services.filter((service) => !SUPABASE_SERVICES.includes(service));
    if (unknown.length > 0)
      return { status: 400, body: { message: `services must be one of ${SUPABASE_SERVICES.join(", ")}` } };

    return {
      status: 200,
      body: services.map((service) => {
        const status = project.get(service) ?? "ACTIVE_HEALTHY";
        return {
          name: service,
          healthy: status === "ACTIVE_HEALTHY",
          status,
          ...(service === "auth"
            ? {
                info: {
                  name: "GoTrue",
                  version: "v2.170.0",
                  description: "GoTrue is a user registration and authentication API",
                },
              }
            : {}),
          ...(status === "UNHEALTHY" ? { error: `${service} is not responding` } : {}),
        };
      }),
    };
  }
}
