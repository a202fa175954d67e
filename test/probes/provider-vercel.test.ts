import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getProbeStatus } from "../../src/probes/queries";
import { world } from "../world";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "./harness";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

async function vercelRow() {
  const [row] = await getProbeStatus(env.DB, "vercel");
  return { status: row?.last_status, detail: row?.last_detail };
}

describe("the Vercel probe", () => {
  it("lists production deployments with the call @vercel/sdk makes (v7), for the team when one is set", async () => {
    await world.vercel.project("prj_team", { teamId: "team_acme" });
    await fireCycle(probeEnv({ KORA_VERCEL_PROJECT_ID: "prj_team", KORA_VERCEL_TEAM_ID: "team_acme" }).env, minute(0));

    expect((await vercelRow()).status).toBe("healthy");
    const [request] = await world.requests({ provider: "vercel" });
    expect({ path: request?.path, query: request?.query }).toEqual({
      path: "/v7/deployments",
      query: { projectId: ["prj_team"], target: ["production"], limit: ["20"], teamId: ["team_acme"] },
    });
  });

  it("keeps a failed deployment's error code and message for the operator", async () => {
    await world.vercel.deploy("prj_web", "ERROR");
    await fireCycle(probeEnv().env, minute(0));
    expect(await vercelRow()).toMatchObject({
      status: "unhealthy",
      detail: {
        latest: { state: "ERROR", error_code: "BUILD_FAILED", error_message: 'Command "npm run build" exited with 1' },
      },
    });
  });

  it("a token refused for the project is an error naming what the token needs, not unhealthy", async () => {
    await world.vercel.project("prj_team", { teamId: "team_acme" });
    await fireCycle(probeEnv({ KORA_VERCEL_PROJECT_ID: "prj_team" }).env, minute(0));
    expect(await vercelRow()).toEqual({
      status: "error",
      detail: {
        summary:
          "Vercel refused KORA_VERCEL_TOKEN (HTTP 403: You don't have permission to list the deployments): the token needs read access to the project's deployments (and KORA_VERCEL_TEAM_ID when the project belongs to a team)",
      },
    });
  });
});
