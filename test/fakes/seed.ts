/**
 * The world `npm run dev` and `npm run demo` start with: two Fly apps with healthy machines, and
 * a healthy Supabase project, Vercel project, Sentry project and Doppler config — the names
 * `DEMO_VARS` points the Worker at.
 */
import type { FlyFake } from "./fly.ts";
import type { FakeWorld } from "./world.ts";

export const DEMO_MACHINES = {
  web1: "3d8d9e1a2b4c68",
  web2: "91852e4f3a7b20",
  staging: "6e825a1b9c0d47",
} as const;

export const DEMO_VARS = {
  KORA_FLY_APP_NAME: "kora-web",
  KORA_FLY_STAGING_APP_NAME: "kora-web-staging",
  KORA_SUPABASE_PROJECT_REF: "abcdefghijklmnopqrst",
  KORA_VERCEL_PROJECT_ID: "prj_kora_web",
  KORA_SENTRY_ORG: "kora",
  KORA_SENTRY_PROJECT: "kora-web",
  KORA_DOPPLER_PROJECT: "kora",
  KORA_DOPPLER_CONFIG: "prd",
} as const;

/** The service token the local stack gives the Worker; the fake Doppler issues it on the demo config. */
export const DEMO_DOPPLER_TOKEN = "dp.st.fake_local_token";

export function seedDemoWorld(world: FakeWorld): void {
  const fly = world.providers.get("fly") as FlyFake;
  fly.putMachine({
    app: DEMO_VARS.KORA_FLY_APP_NAME,
    id: DEMO_MACHINES.web1,
    name: "kora-web-cdg-1",
    transition_ms: 1500,
  });
  fly.putMachine({
    app: DEMO_VARS.KORA_FLY_APP_NAME,
    id: DEMO_MACHINES.web2,
    name: "kora-web-ams-1",
    region: "ams",
    transition_ms: 1500,
  });
  fly.putMachine({
    app: DEMO_VARS.KORA_FLY_STAGING_APP_NAME,
    id: DEMO_MACHINES.staging,
    name: "kora-web-staging-cdg-1",
  });
  const control = (provider: string, command: string, body: unknown) =>
    world.providers.get(provider)?.control(command, body);
  control("supabase", "project", { ref: DEMO_VARS.KORA_SUPABASE_PROJECT_REF });
  control("vercel", "project", { projectId: DEMO_VARS.KORA_VERCEL_PROJECT_ID, states: ["READY"] });
  control("sentry", "project", {
    org: DEMO_VARS.KORA_SENTRY_ORG,
    project: DEMO_VARS.KORA_SENTRY_PROJECT,
    errors_per_minute: 0,
  });
  control("doppler", "config", {
    project: DEMO_VARS.KORA_DOPPLER_PROJECT,
    config: DEMO_VARS.KORA_DOPPLER_CONFIG,
    service_tokens: [DEMO_DOPPLER_TOKEN],
  });
}
