/** The sign-in page: two fields, a clear message when it fails, the language switch in the header. */
import { CsrfField, type FieldState, TextField } from '../components/form.js';
import { Layout } from '../components/layout.js';
import type { PageCtx } from '../page-context.js';

export function SignInPage(props: { ctx: PageCtx; state: FieldState; next: string; error?: string }) {
  const { ctx, state } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.auth.title}>
      <div class="auth-page">
        <div class="card auth-card">
          <h1>{t.auth.title}</h1>
          <p class="muted">{t.auth.intro}</p>
          {props.error && (
            <div class="form-summary" role="alert">
              <p>
                <strong>{props.error}</strong>
              </p>
            </div>
          )}
          <form method="post" action="/login" class="stack" novalidate>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="next" value={props.next} />
            <TextField
              ctx={ctx}
              state={state}
              name="username"
              label={t.auth.username}
              required
              autocomplete="username"
              autofocus={!state.values.username}
              spellcheck={false}
              maxlength={64}
            />
            <TextField
              ctx={ctx}
              state={state}
              name="password"
              type="password"
              label={t.auth.password}
              required
              autocomplete="current-password"
              autofocus={!!state.values.username}
              maxlength={256}
            />
            <div class="form-actions">
              <button type="submit" class="btn">
                {t.auth.submit}
              </button>
            </div>
          </form>
          <p class="muted small">{t.auth.forgotHint}</p>
        </div>
      </div>
    </Layout>
  );
}
