import { Layout } from "./layout";

export function LoginPage(props: { next: string; failed?: boolean }) {
  return (
    <Layout title="Sign in" nav="none" signedIn={false}>
      <h1>Sign in</h1>
      <p class="muted">Paste the operator token (the value of KORA_OPERATOR_TOKEN).</p>
      {props.failed ? (
        <p class="card error" role="alert">
          That is not the operator token.
        </p>
      ) : null}
      <form method="post" action="/login" class="inline">
        <input type="hidden" name="next" value={props.next} />
        <label for="token" class="muted">
          Operator token
        </label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
