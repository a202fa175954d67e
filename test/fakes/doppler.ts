/**
 * Fake Doppler API (docs/provider-apis.md §6): `GET /v3/configs/config/secrets/names` (what Kora
 * reads), `GET /v3/configs/config` and `GET /v3/me`, with Doppler's `{ messages, success: false }`
 * error bodies. Tokens are checked by type, as Doppler documents them, instead of any token opening
 * every door:
 *
 * - a **service token** (`dp.st.`) is issued on one config and reads only that config's secrets
 *   (another config: 403; config metadata: 403); deleting the config revokes it (then 401, like
 *   any unknown token);
 * - a **personal** (`dp.pt.`) or **CLI** (`dp.ct.`) token reaches every project;
 * - a **service account** token (`dp.sa.`) reaches the projects it was granted.
 *
 * A deleted config answers 404 to a token that outlives it. Which status Doppler gives a service
 * token whose config was deleted, and its exact message texts, are not documented: the answers
 * here are Kora's reading (docs/provider-apis.md §6).
 */
import { bearerToken } from "./tokens.ts";
import type { FakeRequest, FakeResponse, ProviderFake } from "./world.ts";

type Grant =
  | { kind: "service_token"; project: string; config: string }
  | { kind: "personal" | "cli" }
  | { kind: "service_account"; projects: string[] };

interface FakeConfig {
  locked: boolean;
  secrets: string[];
}

const PREFIX: Record<Grant["kind"], string> = {
  service_token: "dp.st.",
  personal: "dp.pt.",
  cli: "dp.ct.",
  service_account: "dp.sa.",
};

const fail = (status: number, message: string): FakeResponse => ({
  status,
  body: { messages: [message], success: false },
});

export class DopplerFake implements ProviderFake {
  readonly name = "doppler";
  /** `project/config` → the config. */
  configs = new Map<string, FakeConfig>();
  tokens = new Map<string, Grant>();

  reset(): void {
    this.configs.clear();
    this.tokens.clear();
  }

  control(command: string, body: unknown): unknown {
    const input = body as Record<string, unknown>;
    const project = String(input.project);
    const config = String(input.config);
    switch (command) {
      case "config": {
        const secrets = (input.secrets as string[] | undefined) ?? ["DATABASE_URL", "SESSION_SECRET", "STRIPE_KEY"];
        this.configs.set(`${project}/${config}`, { locked: input.locked === true, secrets });
        for (const token of (input.service_tokens as string[] | undefined) ?? []) {
          this.#issue(token, { kind: "service_token", project, config });
        }
        return { ok: true };
      }
      case "delete":
        this.configs.delete(`${project}/${config}`);
        for (const [token, grant] of this.tokens) {
          if (grant.kind === "service_token" && grant.project === project && grant.config === config) {
            this.tokens.delete(token);
          }
        }
        return { ok: true };
      case "token": {
        const kind = input.kind as Grant["kind"];
        const grant: Grant =
          kind === "service_token"
            ? { kind, project, config }
            : kind === "service_account"
              ? { kind, projects: input.projects as string[] }
              : { kind };
        this.#issue(String(input.token), grant);
        return { ok: true };
      }
      case "revoke":
        this.tokens.delete(String(input.token));
        return { ok: true };
      default:
        throw new Error(`unknown doppler control command "${command}"`);
    }
  }

  #issue(token: string, grant: Grant): void {
    if (!token.startsWith(PREFIX[grant.kind])) {
      throw new Error(`a ${grant.kind} token starts with ${PREFIX[grant.kind]}`);
    }
    this.tokens.set(token, grant);
  }

  async handle(request: FakeRequest): Promise<FakeResponse> {
    const token = bearerToken(request.headers);
    const grant = token ? this.tokens.get(token) : undefined;
    if (!token || !grant) return fail(401, "Invalid Auth token");
    if (request.method !== "GET") return fail(405, "Method not allowed");
    const query = request.url.searchParams;
    switch (request.path) {
      case "/v3/me":
        return { status: 200, body: this.#me(token, grant) };
      case "/v3/configs/config/secrets/names":
        return this.#withConfig(grant, query, (config) => ({ status: 200, body: { names: config.secrets } }));
      case "/v3/configs/config":
        if (grant.kind === "service_token") return fail(403, "This token does not have access to this resource");
        return this.#withConfig(grant, query, (config, project, name) => ({
          status: 200,
          body: { config: configInfo(project, name, config), success: true },
        }));
      default:
        return fail(404, "Not found");
    }
  }

  /** A service token names its own config: `project`/`config` may be left out, or must match it. */
  #withConfig(
    grant: Grant,
    query: URLSearchParams,
    answer: (config: FakeConfig, project: string, name: string) => FakeResponse,
  ): FakeResponse {
    const scoped = grant.kind === "service_token";
    const project = query.get("project") || (scoped ? grant.project : "");
    const name = query.get("config") || (scoped ? grant.config : "");
    if (!project || !name) return fail(400, "project and config are required");
    if (scoped && (project !== grant.project || name !== grant.config)) {
      return fail(403, "This token does not have access to requested config");
    }
    if (grant.kind === "service_account" && !grant.projects.includes(project)) {
      return fail(403, "This token does not have access to requested project");
    }
    const config = this.configs.get(`${project}/${name}`);
    if (!config) return fail(404, `Could not find requested config '${name}'`);
    return answer(config, project, name);
  }

  #me(token: string, grant: Grant): Record<string, unknown> {
    return {
      workplace: { name: "Fake Co", slug: "fake-co" },
      type: grant.kind,
      token_preview: `${token.slice(0, 9)}…`,
      slug: "fake-token",
      name: "kora",
      created_at: "2026-01-01T00:00:00.000Z",
      last_seen_at: new Date().toISOString(),
    };
  }
}

function configInfo(project: string, name: string, config: FakeConfig): Record<string, unknown> {
  return {
    name,
    root: true,
    locked: config.locked,
    environment: name,
    project,
    created_at: "2026-01-01T00:00:00.000Z",
    initial_fetch_at: "2026-01-01T00:05:00.000Z",
    last_fetch_at: new Date().toISOString(),
    inheritable: false,
    inherits: [],
    inheritedBy: [],
  };
}
