import type { TestProject } from "vitest/node";
import { startFakeWorld } from "./fakes/world.ts";

export default async function setup(project: TestProject) {
  const world = await startFakeWorld();
  project.provide("fakeWorldUrl", world.url);
  return async () => {
    const cost = world.contractCost();
    console.log(
      `provider contracts (test/contracts/): loaded in ${cost.loadMs} ms, ${cost.requests} requests checked in ${cost.ms} ms` +
        (cost.knownDrifts.length > 0 ? `; known drifts seen: ${cost.knownDrifts.join(", ")}` : ""),
    );
    await world.close();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    fakeWorldUrl: string;
  }
}
