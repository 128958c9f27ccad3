/** The signed-in person's own account: change password (also the forced change after a reset) and sessions. */
import type { SessionView } from '../../../shared/schemas/accounts.js';
import { Badge } from '../components/badge.js';
import { EmptyState, Notice } from '../components/flash.js';
import { CsrfField, type FieldState, FormSummary, TextField } from '../components/form.js';
import { Layout, PageHead } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { DateTime } from '../components/time.js';
import type { PageCtx } from '../page-context.js';
import { nameUserAgent } from '../user-agent.js';

export function PasswordPage(props: {
  ctx: PageCtx;
  state: FieldState;
  /** After an administrator's reset: the person must change it before anything else. */
  forced: boolean;
  next: string;
  message?: string;
}) {
  const { ctx, state, forced } = props;
  const { t } = ctx;
  const title = forced ? t.account.forcedTitle : t.account.passwordTitle;
  return (
    <Layout ctx={ctx} title={title}>
      <PageHead title={title} lead={t.account.passwordIntro} />
      {forced && (
        <Notice kind="warn">
          <p>{t.account.forcedNotice}</p>
        </Notice>
      )}
      <div class="card">
        <form method="post" action="/account/password" class="stack" novalidate>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="next" value={props.next} />
          <FormSummary ctx={ctx} message={props.message} />
          {/* A hidden username lets password managers file the new password under the right account. */}
          <input
            type="text"
            name="username"
            value={ctx.user?.username ?? ''}
            autocomplete="username"
            hidden
            readonly
          />
          <TextField
            ctx={ctx}
            state={state}
            name="currentPassword"
            type="password"
            label={t.account.currentPassword}
            hint={forced ? t.account.currentPasswordForcedHint : undefined}
            required
            maxlength={256}
            autocomplete="current-password"
            autofocus={!state.errors.newPassword && !state.errors.confirmPassword}
          />
          <TextField
            ctx={ctx}
            state={state}
            name="newPassword"
            type="password"
            label={t.account.newPassword}
            hint={t.account.newPasswordHint}
            required
            maxlength={256}
            autocomplete="new-password"
          />
          <TextField
            ctx={ctx}
            state={state}
            name="confirmPassword"
            type="password"
            label={t.account.confirmPassword}
            required
            maxlength={256}
            autocomplete="new-password"
          />
          <div class="form-actions">
            <button type="submit" class="btn">
              {t.account.submit}
            </button>
            {!forced && <a href={props.next}>{t.common.cancel}</a>}
          </div>
        </form>
      </div>
    </Layout>
  );
}

/** "Chrome 120 trên Windows 10/11", or the raw header (shortened) when it is not one we know. */
function deviceName(ctx: PageCtx, ua: string | null): string {
  const n = nameUserAgent(ua);
  if (n.browser && n.os) return ctx.t.account.browserOn(n.browser, n.os);
  if (n.browser || n.os) return (n.browser ?? n.os)!;
  return ua ? ua.slice(0, 80) : ctx.t.account.unknownDevice;
}

export function SessionsPage(props: {
  ctx: PageCtx;
  sessions: SessionView[];
  cursor?: string;
  nextCursor: string | null;
}) {
  const { ctx } = props;
  const { t, lang } = ctx;
  const cols: Column<SessionView>[] = [
    {
      header: t.account.device,
      class: 'primary wrap',
      cell: (s) => (
        <>
          <span title={s.userAgent ?? undefined}>{deviceName(ctx, s.userAgent)}</span>{' '}
          {s.current && <Badge tone="ok" label={t.account.thisSession} />}
        </>
      ),
    },
    { header: t.account.ip, cell: (s) => <span class="mono">{s.ip ?? '—'}</span> },
    { header: t.account.signedInAt, cell: (s) => <DateTime at={new Date(s.createdAt)} lang={lang} /> },
    { header: t.account.lastUsed, cell: (s) => <DateTime at={new Date(s.lastUsedAt)} lang={lang} /> },
    { header: t.account.expires, cell: (s) => <DateTime at={new Date(s.expiresAt)} lang={lang} /> },
    {
      header: t.common.actions,
      cell: (s) =>
        s.current ? (
          ''
        ) : (
          <form
            method="post"
            action={`/account/sessions/${encodeURIComponent(s.id)}/revoke`}
            class="inline-form"
          >
            <CsrfField ctx={ctx} />
            <button type="submit" class="btn btn-danger btn-small">
              {t.account.revoke}
            </button>
          </form>
        ),
    },
  ];
  const others = props.sessions.some((s) => !s.current) || !!props.cursor || !!props.nextCursor;
  return (
    <Layout ctx={ctx} title={t.account.sessionsTitle}>
      <PageHead
        title={t.account.sessionsTitle}
        lead={t.account.sessionsIntro}
        actions={
          others && (
            <form method="post" action="/account/sessions/revoke-others" class="inline-form">
              <CsrfField ctx={ctx} />
              <button type="submit" class="btn btn-danger" title={t.account.revokeOthersHint}>
                {t.account.revokeOthers}
              </button>
            </form>
          )
        }
      />
      <DataTable
        ctx={ctx}
        columns={cols}
        rows={props.sessions}
        page={{ base: '/account/sessions', cursor: props.cursor, nextCursor: props.nextCursor }}
      />
      {!others && <EmptyState message={t.account.onlyThis} />}
    </Layout>
  );
}
