import type { Child } from "hono/jsx";
import { CONSOLE_CSS } from "./styles";

export type NavKey = "incidents" | "investigations" | "status" | "autonomy" | "exports" | "none";

/** Every console page: readable on a phone, no scripts, nothing loaded from elsewhere. */
export function Layout(props: { title: string; nav: NavKey; children: Child; signedIn?: boolean }) {
  const current = (key: NavKey) => (props.nav === key ? "page" : undefined);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · Kora`}</title>
        {/* A constant of ours, not data: written raw so CSS quotes are not entity-escaped. */}
        <style dangerouslySetInnerHTML={{ __html: CONSOLE_CSS }} />
      </head>
      <body>
        <header>
          <span class="brand">Kora</span>
          {props.signedIn === false ? null : (
            <>
              <nav>
                <a href="/" aria-current={current("incidents")}>
                  Incidents
                </a>
                <a href="/investigations" aria-current={current("investigations")}>
                  Investigations
                </a>
                <a href="/status" aria-current={current("status")}>
                  Status
                </a>
                <a href="/autonomy" aria-current={current("autonomy")}>
                  Autonomy
                </a>
                <a href="/exports" aria-current={current("exports")}>
                  Exports
                </a>
              </nav>
              <form method="post" action="/logout">
                <button class="link" type="submit">
                  Log out
                </button>
              </form>
            </>
          )}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** The console's error page: the same `code: message` the API would give, as HTML. */
export function ErrorPage(props: { status: number; message: string }) {
  return (
    <Layout title={`Error ${props.status}`} nav="none">
      <h1>Something is not right ({props.status})</h1>
      <div class="card error">
        <p>{props.message}</p>
      </div>
      <p>
        <a href="/">Back to incidents</a>
      </p>
    </Layout>
  );
}
