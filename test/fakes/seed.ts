/**
 * The world `npm run dev` and `npm run demo` start with: two Fly apps with healthy machines and
 * healthy Supabase, Vercel, Sentry and Doppler (their fakes are healthy after a reset).
 */
import type { FlyFake } from "./fly.ts";
import type { FakeWorld } from "./world.ts";

export const DEMO_MACHINES = {
  web1: "3d8d9e1a2b4c68",
  web2: "91852e4f3a7b20",
  staging: "6e825a1b9c0d47",
} as const;

export function seedDemoWorld(world: FakeWorld): void {
  const fly = world.providers.get("fly") as FlyFake | undefined;
  if (!fly) return;
  fly.putMachine({
    app: "kora-web",
    id: DEMO_MACHINES.web1,
    name: "kora-web-cdg-1",
    region: "cdg",
    transition_ms: 1500,
  });
  fly.putMachine({
    app: "kora-web",
    id: DEMO_MACHINES.web2,
    name: "kora-web-ams-1",
    region: "ams",
    transition_ms: 1500,
  });
  fly.putMachine({ app: "kora-web-staging", id: DEMO_MACHINES.staging, name: "kora-web-staging-cdg-1", region: "cdg" });
}
