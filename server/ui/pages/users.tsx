/** User pages: the list (with roles held where, disabled accounts muted) and the create form with role grants at units. */
import { ROLES } from '../../../shared/enums.js';
import type { UserView } from '../../../shared/schemas/auth.js';
import { Badge, RoleBadge } from '../components/badge.js';
import { EmptyState } from '../components/flash.js';
import { CsrfField, type FieldState, FormSummary, TextField, UnitDatalist } from '../components/form.js';
import { Breadcrumbs, Layout, PageHead, SubNav } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { DateTime } from '../components/time.js';
import { formatDate } from '../format.js';
import type { PageCtx } from '../page-context.js';

/** How many role rows the form offers (a user rarely holds more; the API accepts up to 50). */
export const ROLE_ROWS = 4;

export function UsersPage(props: {
  ctx: PageCtx;
  users: UserView[];
  cursor?: string;
  nextCursor: string | null;
  canCreate: boolean;
}) {
  const { ctx } = props;
  const { t, lang } = ctx;
  const cols: Column<UserView>[] = [
    {
      header: t.users.displayName,
      class: 'primary wrap',
      cell: (u) => (
        <>
          <a href={`/admin/users/${encodeURIComponent(u.id)}`}>{u.displayName}</a>
          <div class="muted small mono">{u.username}</div>
        </>
      ),
    },
    {
      header: t.users.roles,
      class: 'wrap',
      cell: (u) =>
        u.roles.length === 0 ? (
          <span class="muted">{t.users.noRoles}</span>
        ) : (
          <span class="badges">
            {u.roles.map((r) => (
              <RoleBadge t={t} role={r.role} unitCode={r.unitCode} />
            ))}
          </span>
        ),
    },
    {
      header: t.common.status,
      cell: (u) =>
        u.disabledAt ? (
          <Badge
            tone="danger"
            label={t.users.disabled}
            title={t.users.disabledSince(formatDate(new Date(u.disabledAt), lang))}
          />
        ) : (
          <Badge tone="ok" label={t.users.active} />
        ),
    },
    { header: t.common.createdAt, cell: (u) => <DateTime at={new Date(u.createdAt)} lang={lang} dateOnly /> },
  ];
  const create = props.canCreate && (
    <a class="btn" href="/admin/users/new">
      {t.users.create}
    </a>
  );
  return (
    <Layout ctx={ctx} title={t.users.title}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead title={t.users.title} lead={t.users.intro} actions={create} />
      {props.users.length === 0 && !props.cursor ? (
        <EmptyState message={t.users.noUsers} action={create} />
      ) : (
        <DataTable
          ctx={ctx}
          columns={cols}
          rows={props.users}
          rowClass={(u) => (u.disabledAt ? 'row-disabled' : undefined)}
          page={{ base: '/admin/users', cursor: props.cursor, nextCursor: props.nextCursor }}
        />
      )}
    </Layout>
  );
}

export function UserFormPage(props: {
  ctx: PageCtx;
  state: FieldState;
  units: { code: string; name: string }[];
  message?: string;
}) {
  const { ctx, state } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.users.createTitle}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[{ label: t.users.title, href: '/admin/users' }, { label: t.users.createTitle }]}
          />
        }
        title={t.users.createTitle}
        lead={t.users.createIntro}
      />
      <div class="card">
        <form method="post" action="/admin/users" class="stack" novalidate>
          <CsrfField ctx={ctx} />
          <FormSummary ctx={ctx} message={props.message} />
          <TextField
            ctx={ctx}
            state={state}
            name="username"
            label={t.users.username}
            hint={t.users.usernameHint}
            required
            maxlength={64}
            autocomplete="off"
            spellcheck={false}
            autofocus={!state.values.username}
          />
          <TextField
            ctx={ctx}
            state={state}
            name="displayName"
            label={t.users.displayName}
            hint={t.users.displayNameHint}
            maxlength={200}
            autocomplete="off"
          />
          <TextField
            ctx={ctx}
            state={state}
            name="password"
            type="password"
            label={t.users.password}
            hint={t.users.passwordHint}
            required
            maxlength={256}
            autocomplete="new-password"
          />
          <RoleRows ctx={ctx} state={state} count={ROLE_ROWS} units={props.units} />
          <div class="field check-field">
            <label>
              <input
                type="checkbox"
                name="mustChangePassword"
                value="1"
                checked={state.values.mustChangePassword === '1'}
              />
              {t.users.mustChangeOnCreate}
            </label>
          </div>
          <div class="form-actions">
            <button type="submit" class="btn">
              {t.users.create}
            </button>
            <a href="/admin/users">{t.common.cancel}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}

/** Rows of role × unit code (creation and the roles editor); a row with both cells empty is unused. */
export function RoleRows(props: {
  ctx: PageCtx;
  state: FieldState;
  count: number;
  units: { code: string; name: string }[];
}) {
  const { ctx, state } = props;
  const { t } = ctx;
  const rows = Array.from({ length: props.count }, (_, i) => i);
  return (
    <fieldset>
      <legend>{t.users.roles}</legend>
      <p class="hint muted small">{t.users.rolesHint}</p>
      {rows.map((i) => {
        const roleName = `roles.${i}.role`;
        const unitName = `roles.${i}.unitCode`;
        const roleErr = state.errors[roleName];
        return (
          <div class="row">
            <div class="field">
              <label for={`f-role-${i}`}>{`${t.users.role} ${i + 1}`}</label>
              <select
                id={`f-role-${i}`}
                name={roleName}
                aria-invalid={roleErr ? 'true' : undefined}
                aria-describedby={roleErr ? `f-role-${i}-error` : undefined}
              >
                <option value="">{t.users.roleNone}</option>
                {ROLES.map((r) => (
                  <option value={r} selected={state.values[roleName] === r}>
                    {t.roles[r]}
                  </option>
                ))}
              </select>
              {roleErr && (
                <span class="error" id={`f-role-${i}-error`}>
                  {roleErr}
                </span>
              )}
            </div>
            <TextField
              ctx={ctx}
              state={state}
              name={unitName}
              label={t.users.roleUnit}
              list="role-units"
              maxlength={32}
              spellcheck={false}
              noOptionalMark
            />
          </div>
        );
      })}
      <UnitDatalist id="role-units" units={props.units} />
    </fieldset>
  );
}
