/**
 * Fake Vercel REST API: `GET /v7/deployments` (docs/provider-apis.md §4; @vercel/sdk's
 * getDeployments, test/contracts/), newest first, filtered by project, target and team, with
 * Vercel's `{ error: { code, message } }` error bodies. The superseded `/v6` is still served, as
 * Vercel still serves it; the contract check flags a client that calls it.
 */
import { bearerToken, tokenAccepted } from "./tokens.ts";
import type { FakeRequest, FakeResponse, ProviderFake } from "./world.ts";

export type VercelState = "BUILDING" | "ERROR" | "INITIALIZING" | "QUEUED" | "READY" | "CANCELED";

export interface FakeDeployment {
  uid: string;
  state: VercelState;
  target: "production" | "staging" | null;
  created: number;
}

interface FakeProject {
  teamId?: string;
  deployments: FakeDeployment[];
}

export class VercelFake implements ProviderFake {
  readonly name = "vercel";
  projects = new Map<string, FakeProject>();
  validTokens: string[] = [];
  #seq = 0;

  reset(): void {
    this.projects.clear();
    this.validTokens = [];
  }

  control(command: string, body: unknown): unknown {
    const input = body as Record<string, unknown>;
    switch (command) {
      case "project": {
        const teamId = typeof input.teamId === "string" ? input.teamId : undefined;
        this.projects.set(String(input.projectId), { ...(teamId ? { teamId } : {}), deployments: [] });
        for (const state of (input.states ?? ["READY"]) as VercelState[])
          this.#deploy(String(input.projectId), state, "production");
        return { ok: true };
      }
      case "deploy": {
        const target = input.target === undefined ? "production" : (input.target as FakeDeployment["target"]);
        return this.#deploy(String(input.projectId), input.state as VercelState, target);
      }
      case "tokens":
        this.validTokens = input.tokens as string[];
        return { ok: true };
      default:
        throw new Error(`unknown vercel control command "${command}"`);
    }
  }

  #deploy(projectId: string, state: VercelState, target: FakeDeployment["target"]): FakeDeployment {
    const project = this.projects.get(projectId);
    if (!project) throw new Error(`no project ${projectId}`);
    this.#seq += 1;
    const deployment = {
      uid: `dpl_${String(this.#seq).padStart(8, "0")}`,
      state,
      target,
      created: Date.now() + this.#seq,
    };
    project.deployments.unshift(deployment);
    return deployment;
  }

  async handle(request: FakeRequest): Promise<FakeResponse> {
    if (!tokenAccepted(bearerToken(request.headers), this.validTokens)) {
      return { status: 403, body: { error: { code: "forbidden", message: "Not authorized", invalidToken: true } } };
    }
    if (request.method !== "GET" || !/^\/v[67]\/deployments\/?$/.test(request.path)) {
      return { status: 404, body: { error: { code: "not_found", message: "The requested endpoint was not found" } } };
    }
    const query = request.url.searchParams;
    const projectId = query.get("projectId") ?? query.get("app");
    const project = projectId ? this.projects.get(projectId) : undefined;
    if (!projectId || !project)
      return { status: 404, body: { error: { code: "not_found", message: "Project not found" } } };
    if (project.teamId && query.get("teamId") !== project.teamId) {
      return {
        status: 403,
        body: { error: { code: "forbidden", message: "You don't have permission to list the deployments" } },
      };
    }
    const target = query.get("target");
    const limit = Math.min(100, Math.max(1, Number(query.get("limit") ?? 20)));
    const matching = project.deployments.filter((d) => !target || d.target === target);
    const page = matching.slice(0, limit);
    return {
      status: 200,
      body: {
        deployments: page.map((d) => ({
          uid: d.uid,
          name: projectId,
          projectId,
          url: `${projectId}-${d.uid.slice(4)}.vercel.app`,
          created: d.created,
          createdAt: d.created,
          buildingAt: d.created + 1_000,
          ...(d.state === "READY" ? { ready: d.created + 60_000 } : {}),
          state: d.state,
          readyState: d.state,
          target: d.target,
          type: "LAMBDAS",
          creator: { uid: "u_fake", username: "fake" },
          inspectorUrl: `https://vercel.com/fake/${projectId}/${d.uid}`,
          meta: { githubCommitRef: "main" },
          // The SDK types errorCode as an optional string (absent, never null) and errorMessage as nullable.
          ...(d.state === "ERROR" ? { errorCode: "BUILD_FAILED" } : {}),
          errorMessage: d.state === "ERROR" ? 'Command "npm run build" exited with 1' : null,
        })),
        pagination: {
          count: page.length,
          next: matching.length > limit ? (page.at(-1)?.created ?? null) : null,
          prev: page[0]?.created ?? null,
        },
      },
    };
  }
}
