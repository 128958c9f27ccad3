/**
 * One user, for administrators: the account's facts (never password material), and — when every
 * role the user holds is inside the caller's scope — rename, reset password, roles, disable/enable.
 */
import type { Role } from '../../../shared/enums.js';
import { Badge, RoleBadge } from '../components/badge.js';
import { Notice } from '../components/flash.js';
import { CsrfField, type FieldState, FormSummary, TextField } from '../components/form.js';
import { Breadcrumbs, Layout, PageHead, SubNav } from '../components/layout.js';
import { DateTime } from '../components/time.js';
import { formatDateTime } from '../format.js';
import type { PageCtx } from '../page-context.js';
import { RoleRows } from './users.js';

export interface UserDetail {
  id: string;
  username: string;
  displayName: string;
  createdAt: Date;
  disabledAt: Date | null;
  passwordChangedAt: Date | null;
  mustChangePassword: boolean;
  roles: { role: Role; unitCode: string; unitName: string }[];
  liveSessions: number;
  canWrite: boolean;
  self: boolean;
}

/** A form on the page that failed: its values, field errors and the explanation. */
export interface FormError {
  state: FieldState;
  message: string;
}

export const userHref = (id: string) => `/admin/users/${encodeURIComponent(id)}`;

function crumbs(ctx: PageCtx, u: { id: string; displayName: string }, last?: string) {
  return (
    <Breadcrumbs
      ctx={ctx}
      items={[
        { label: ctx.t.users.title, href: '/admin/users' },
        { label: u.displayName, href: last ? userHref(u.id) : undefined },
        ...(last ? [{ label: last }] : []),
      ]}
    />
  );
}

export function UserDetailPage(props: {
  ctx: PageCtx;
  user: UserDetail;
  /** The form that failed, by name (`name`, `password`, `access`). */
  failed?: { form: 'name' | 'password' | 'access'; error: FormError };
}) {
  const { ctx, user: u, failed } = props;
  const { t, lang } = ctx;
  const errorOf = (form: string) => (failed?.form === form ? failed.error : undefined);
  const nameErr = errorOf('name');
  const pwErr = errorOf('password');
  const accessErr = errorOf('access');
  const status = u.disabledAt ? (
    <Badge tone="danger" label={t.users.disabledSince(formatDateTime(u.disabledAt, lang))} />
  ) : (
    <Badge tone="ok" label={t.users.active} />
  );
  const actions = u.canWrite && (
    <a class="btn btn-secondary" href={`${userHref(u.id)}/roles`}>
      {t.users.editRoles}
    </a>
  );
  return (
    <Layout ctx={ctx} title={u.displayName}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead
        crumbs={crumbs(ctx, u)}
        title={u.displayName}
        lead={
          <>
            <span class="mono">{u.username}</span> · {status}
          </>
        }
        actions={actions}
      />
      {u.self && (
        <Notice kind="info">
          <p>{t.users.you}</p>
        </Notice>
      )}
      {!u.canWrite && (
        <Notice kind="info">
          <p>{t.users.readOnly}</p>
        </Notice>
      )}
      <div class="grid">
        <section class="card" aria-labelledby="acct-h">
          <h2 id="acct-h">{t.users.detailsTitle}</h2>
          <dl class="facts">
            <dt>{t.users.username}</dt>
            <dd class="mono">{u.username}</dd>
            <dt>{t.users.displayName}</dt>
            <dd>{u.displayName}</dd>
            <dt>{t.common.status}</dt>
            <dd>{status}</dd>
            <dt>{t.users.roles}</dt>
            <dd>
              {u.roles.length === 0 ? (
                <span class="muted">{t.users.noRoles}</span>
              ) : (
                <span class="badges">
                  {u.roles.map((r) => (
                    <span title={r.unitName}>
                      <RoleBadge t={t} role={r.role} unitCode={r.unitCode} />
                    </span>
                  ))}
                </span>
              )}
            </dd>
            <dt>{t.users.liveSessions}</dt>
            <dd>{t.users.sessionCount(u.liveSessions)}</dd>
            <dt>{t.users.passwordChangedAt}</dt>
            <dd>
              {u.passwordChangedAt ? <DateTime at={u.passwordChangedAt} lang={lang} /> : '—'}
              {u.mustChangePassword && (
                <div>
                  <Badge tone="warn" label={t.users.mustChange} />
                </div>
              )}
            </dd>
            <dt>{t.common.createdAt}</dt>
            <dd>
              <DateTime at={u.createdAt} lang={lang} dateOnly />
            </dd>
          </dl>
        </section>
        {u.canWrite && (
          <section class="card" aria-labelledby="name-h">
            <h2 id="name-h">{t.users.nameTitle}</h2>
            <form method="post" action={`${userHref(u.id)}/name`} class="stack" novalidate>
              <CsrfField ctx={ctx} />
              <FormSummary ctx={ctx} message={nameErr?.message} />
              <TextField
                ctx={ctx}
                state={nameErr?.state ?? { values: { displayName: u.displayName }, errors: {} }}
                name="displayName"
                label={t.users.displayName}
                hint={t.users.displayNameHint}
                required
                maxlength={200}
                autocomplete="off"
              />
              <div class="form-actions">
                <button type="submit" class="btn">
                  {t.common.save}
                </button>
              </div>
            </form>
          </section>
        )}
      </div>
      {u.canWrite && (
        <div class="grid">
          <section class="card" aria-labelledby="pw-h">
            <h2 id="pw-h">{t.users.resetTitle}</h2>
            {u.self ? (
              <p>
                <a href="/account/password">{t.users.ownPassword}</a>
              </p>
            ) : (
              <form method="post" action={`${userHref(u.id)}/password`} class="stack" novalidate>
                <CsrfField ctx={ctx} />
                <p class="muted">{t.users.resetIntro}</p>
                <FormSummary ctx={ctx} message={pwErr?.message} />
                <TextField
                  ctx={ctx}
                  state={pwErr?.state ?? { values: {}, errors: {} }}
                  name="password"
                  type="password"
                  label={t.users.newPassword}
                  hint={t.users.newPasswordHint}
                  required
                  maxlength={256}
                  autocomplete="new-password"
                />
                <div class="field check-field">
                  <label>
                    <input
                      type="checkbox"
                      name="mustChangePassword"
                      value="1"
                      checked={pwErr ? pwErr.state.values.mustChangePassword === '1' : true}
                    />
                    {t.users.mustChangeOnReset}
                  </label>
                </div>
                <div class="form-actions">
                  <button type="submit" class="btn">
                    {t.users.resetSubmit}
                  </button>
                </div>
              </form>
            )}
          </section>
          <section class="card danger-zone" aria-labelledby="access-h">
            <h2 id="access-h">{u.disabledAt ? t.users.enable : t.users.accessTitle}</h2>
            <FormSummary ctx={ctx} message={accessErr?.message} />
            {u.disabledAt ? (
              <form method="post" action={`${userHref(u.id)}/enable`} class="stack">
                <CsrfField ctx={ctx} />
                <p class="muted">{t.users.enableHint}</p>
                <div class="form-actions">
                  <button type="submit" class="btn btn-secondary">
                    {t.users.enable}
                  </button>
                </div>
              </form>
            ) : (
              <>
                <p class="muted">{t.users.disableHint}</p>
                <p>
                  <a class="btn btn-danger" href={`${userHref(u.id)}/disable`}>
                    {t.users.disable}
                  </a>
                </p>
              </>
            )}
          </section>
        </div>
      )}
    </Layout>
  );
}

/** The confirm step before disabling: what will happen, then one button. */
export function UserDisablePage(props: { ctx: PageCtx; user: UserDetail; message?: string }) {
  const { ctx, user: u } = props;
  const { t } = ctx;
  const title = t.users.disableConfirmTitle(u.displayName);
  return (
    <Layout ctx={ctx} title={title}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead crumbs={crumbs(ctx, u, t.users.disable)} title={title} />
      <section class="card danger-zone">
        <form method="post" action={`${userHref(u.id)}/disable`} class="stack">
          <CsrfField ctx={ctx} />
          <FormSummary ctx={ctx} message={props.message} />
          <p>{t.users.disableConfirm(u.liveSessions)}</p>
          <p class="muted">{t.users.disableKeeps}</p>
          {u.self && (
            <Notice kind="warn">
              <p>{t.users.disableSelf}</p>
            </Notice>
          )}
          <div class="form-actions">
            <button type="submit" class="btn btn-danger">
              {t.users.disableSubmit}
            </button>
            <a href={userHref(u.id)}>{t.common.cancel}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}

/** Editing the whole role set: the current roles prefilled, plus empty rows to add more. */
export function UserRolesPage(props: {
  ctx: PageCtx;
  user: UserDetail;
  state: FieldState;
  rows: number;
  units: { code: string; name: string }[];
  message?: string;
}) {
  const { ctx, user: u } = props;
  const { t } = ctx;
  const title = t.users.editRolesTitle(u.displayName);
  return (
    <Layout ctx={ctx} title={title}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead crumbs={crumbs(ctx, u, t.users.editRoles)} title={title} lead={t.users.editRolesIntro} />
      <div class="card">
        <form method="post" action={`${userHref(u.id)}/roles`} class="stack" novalidate>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="rows" value={String(props.rows)} />
          <FormSummary ctx={ctx} message={props.message} />
          <RoleRows ctx={ctx} state={props.state} count={props.rows} units={props.units} />
          <div class="form-actions">
            <button type="submit" class="btn">
              {t.common.save}
            </button>
            <a href={userHref(u.id)}>{t.common.cancel}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}
