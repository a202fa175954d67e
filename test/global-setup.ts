import type { TestProject } from "vitest/node";
import { startFakeWorld } from "./fakes/world.ts";

export default async function setup(project: TestProject) {
  const world = await startFakeWorld();
  project.provide("fakeWorldUrl", world.url);
  return () => world.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    fakeWorldUrl: string;
  }
}
