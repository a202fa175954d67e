import { exports } from "cloudflare:workers";
import { TEST_SECRETS } from "../fakes/bindings.ts";

const ORIGIN = "https://kora.test";

/** A signed-in operator's browser, reduced to what the console tests need. */
export async function signIn(): Promise<(path: string) => Promise<Response>> {
  const login = await exports.default.fetch(
    new Request(`${ORIGIN}/login`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: TEST_SECRETS.KORA_OPERATOR_TOKEN ?? "", next: "/" }).toString(),
      redirect: "manual",
    }),
  );
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  if (!cookie.startsWith("__Host-kora_session=")) throw new Error(`login failed: ${login.status}`);
  return (path) => exports.default.fetch(new Request(`${ORIGIN}${path}`, { headers: { cookie }, redirect: "manual" }));
}
