import type { Config, KoraEnv } from "../config";

/** Hono's typing for every route: bindings plus the config parsed once per request. */
export interface AppEnv {
  Bindings: KoraEnv;
  Variables: { config: Config };
}
