/**
 * Fake Doppler API: `GET /v3/configs/config?project=&config=` and `GET /v3/me`
 * (docs/provider-apis.md §6), with configs that can be deleted and Doppler's
 * `{ messages, success: false }` error bodies.
 */
import { bearerToken, tokenAccepted } from "./tokens.ts";
import type { FakeRequest, FakeResponse, ProviderFake } from "./world.ts";

export class DopplerFake implements ProviderFake {
  readonly name = "doppler";
  /** `project/config` → locked. */
  configs = new Map<string, { locked: boolean }>();
  validTokens: string[] = [];

  reset(): void {
    this.configs.clear();
    this.validTokens = [];
  }

  control(command: string, body: unknown): unknown {
    const input = body as Record<string, unknown>;
    const key = `${String(input.project)}/${String(input.config)}`;
    switch (command) {
      case "config":
        this.configs.set(key, { locked: input.locked === true });
        return { ok: true };
      case "delete":
        this.configs.delete(key);
        return { ok: true };
      case "tokens":
        this.validTokens = input.tokens as string[];
        return { ok: true };
      default:
        throw new Error(`unknown doppler control command "${command}"`);
    }
  }

  async handle(request: FakeRequest): Promise<FakeResponse> {
    const token = bearerToken(request.headers);
    if (!tokenAccepted(token, this.validTokens)) {
      return { status: 401, body: { messages: ["Invalid Auth token"], success: false } };
    }
    if (request.method !== "GET") return { status: 405, body: { messages: ["Method not allowed"], success: false } };
    if (request.path === "/v3/me") {
      return {
        status: 200,
        body: {
          workplace: { name: "Fake Co", slug: "fake-co" },
          type: "service_token",
          token_preview: `${token?.slice(0, 9)}…`,
          slug: "fake-token",
          name: "kora",
          created_at: "2026-01-01T00:00:00.000Z",
          last_seen_at: new Date().toISOString(),
        },
      };
    }
    if (request.path !== "/v3/configs/config")
      return { status: 404, body: { messages: ["Not found"], success: false } };
    const project = request.url.searchParams.get("project");
    const config = request.url.searchParams.get("config");
    if (!project || !config)
      return { status: 400, body: { messages: ["project and config are required"], success: false } };
    const found = this.configs.get(`${project}/${config}`);
    if (!found)
      return { status: 404, body: { messages: [`Could not find requested config '${config}'`], success: false } };
    return {
      status: 200,
      body: {
        config: {
          name: config,
          root: true,
          locked: found.locked,
          environment: config,
          project,
          created_at: "2026-01-01T00:00:00.000Z",
          initial_fetch_at: "2026-01-01T00:05:00.000Z",
          last_fetch_at: new Date().toISOString(),
          inheritable: false,
          inherits: [],
          inheritedBy: [],
        },
        success: true,
      },
    };
  }
}
