/**
 * /admin/users — the user list (the same `listUsersInScope` as GET /api/v1/users), creating users
 * with role grants (the API's own `createUser`, which checks every grant's unit against the caller),
 * and one user's page: rename, reset password, roles, disable/enable — all through `updateUser`, the
 * service behind PATCH /api/v1/users/:id, and read through `userForCaller` (404 outside scope, as GET).
 */
import { Hono } from 'hono';
import { zUserUpdate } from '../../../shared/schemas/accounts.js';
import { zUserCreate } from '../../../shared/schemas/users.js';
import { unitNamesByIds } from '../../db/repos/unit-tree.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { clearSessionCookie } from '../../http/auth-middleware.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
import { fail } from '../../http/problem.js';
import { liveSessionCount, mayWriteUser, updateUser, userForCaller } from '../../services/accounts.js';
import { pickableUnits } from '../../services/unit-directory.js';
import { listUsersInScope } from '../../services/user-directory.js';
import { createUser } from '../../services/users.js';
import { setFlash } from '../flash.js';
import { type FormFailure, formFailure, text, validateForm, valuesOf } from '../forms.js';
import type { Dict } from '../i18n/index.js';
import { pageCtx, signedIn } from '../page-context.js';
import {
  type FormError,
  type UserDetail,
  UserDetailPage,
  UserDisablePage,
  UserRolesPage,
  userHref,
} from '../pages/user-detail.js';
import { ROLE_ROWS, UserFormPage, UsersPage } from '../pages/users.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const PAGE = 50;
const ROLE_FIELDS = Array.from({ length: ROLE_ROWS }, (_, i) => [
  `roles.${i}.role`,
  `roles.${i}.unitCode`,
]).flat();
const FIELDS = ['username', 'displayName', 'mustChangePassword', ...ROLE_FIELDS];

async function formPage(c: UiCtx, values: Record<string, string | undefined>, failure?: FormFailure) {
  const p = signedIn(c);
  const ctx = await pageCtx(c);
  const units = (await pickableUnits(c.get('deps').store.read, p)).filter((u) =>
    allowed(p.grants, 'user.write', u),
  );
  return render(
    c,
    <UserFormPage
      ctx={ctx}
      state={{ values, errors: failure?.fields ?? {} }}
      units={units}
      message={failure?.message}
    />,
    failure?.status ?? 200,
  );
}

export const userPages = new Hono<UiEnv>()
  .get('/admin/users', async (c) => {
    const p = signedIn(c);
    const cursor = c.req.query('cursor') || undefined;
    const after = decodeCursor(cursor, 1);
    const res = await listUsersInScope(c.get('deps').store.read, p, {
      limit: PAGE,
      afterUsername: after ? String(after[0]) : undefined,
    });
    return render(
      c,
      <UsersPage
        ctx={await pageCtx(c)}
        users={res.items}
        cursor={cursor}
        nextCursor={res.nextUsername ? encodeCursor([res.nextUsername]) : null}
        canCreate={grantsFor(p.grants, 'user.write').length > 0}
      />,
    );
  })
  .get('/admin/users/new', async (c) => {
    const p = signedIn(c);
    if (grantsFor(p.grants, 'user.write').length === 0) throw fail.forbidden();
    const unit = c.req.query('unit')?.slice(0, 32);
    return formPage(c, unit ? { 'roles.0.unitCode': unit } : {});
  })
  .post('/admin/users', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    const values = valuesOf(form, FIELDS);
    const { roles, rowErrors } = readRoleRows(form, ROLE_ROWS, t);
    try {
      if (Object.keys(rowErrors).length > 0) {
        return formPage(c, values, { status: 422, message: t.common.formHasErrors, fields: rowErrors });
      }
      const input = validateForm(
        zUserCreate,
        {
          username: text(form, 'username') ?? '',
          password: form.get('password') ?? '',
          displayName: text(form, 'displayName'),
          roles: roles.filter(Boolean),
          mustChangePassword: form.get('mustChangePassword') === '1',
        },
        t,
        lang,
      );
      const user = await createUser(deps, p, input);
      setFlash(c, 'success', 'userCreated', [user.username]);
      return c.redirect('/admin/users', 303);
    } catch (e) {
      // A grant outside the caller's scope is about what was typed: say so on the form.
      const ff = formFailure(e, t, lang, { inputCodes: ['forbidden'] });
      if (!ff) throw e;
      return formPage(c, values, { ...ff, fields: rowPaths(ff.fields, roles) });
    }
  })
  .get('/admin/users/:id', async (c) => renderDetail(c, await loadDetail(c)))
  .post('/admin/users/:id/name', async (c) => {
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    const values = valuesOf(form, ['displayName']);
    try {
      const input = validateForm(zUserUpdate, { displayName: text(form, 'displayName') ?? '' }, t, lang);
      const u = await updateUser(c.get('deps'), signedIn(c), c.req.param('id'), input);
      setFlash(c, 'success', 'userNameSaved', [u.displayName]);
      return c.redirect(userHref(u.id), 303);
    } catch (e) {
      const ff = formFailure(e, t, lang);
      if (!ff) throw e;
      return renderDetail(c, await loadDetail(c), { form: 'name', error: formError(values, ff) }, ff.status);
    }
  })
  .post('/admin/users/:id/password', async (c) => {
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    const values = { mustChangePassword: form.get('mustChangePassword') === '1' ? '1' : undefined };
    try {
      const input = validateForm(
        zUserUpdate,
        { password: form.get('password') ?? '', mustChangePassword: values.mustChangePassword === '1' },
        t,
        lang,
      );
      const u = await updateUser(c.get('deps'), signedIn(c), c.req.param('id'), input);
      setFlash(c, 'success', 'passwordReset', [u.displayName]);
      return c.redirect(userHref(u.id), 303);
    } catch (e) {
      const ff = formFailure(e, t, lang);
      if (!ff) throw e;
      return renderDetail(
        c,
        await loadDetail(c),
        { form: 'password', error: formError(values, ff) },
        ff.status,
      );
    }
  })
  .get('/admin/users/:id/disable', async (c) => {
    const d = await loadDetail(c);
    if (!d.canWrite) throw fail.forbidden();
    // Already disabled: nothing to confirm.
    if (d.disabledAt) return c.redirect(userHref(d.id), 303);
    return render(c, <UserDisablePage ctx={await pageCtx(c)} user={d} />);
  })
  .post('/admin/users/:id/disable', async (c) => {
    const p = signedIn(c);
    try {
      const u = await updateUser(c.get('deps'), p, c.req.param('id'), { disabled: true });
      setFlash(c, 'success', 'userDisabled', [u.displayName]);
      if (u.id === p.userId) {
        // Disabling oneself ends one's own session too.
        clearSessionCookie(c);
        return c.redirect('/login', 303);
      }
      return c.redirect(userHref(u.id), 303);
    } catch (e) {
      const ff = formFailure(e, c.get('t'), c.get('lang'));
      if (!ff) throw e;
      return render(
        c,
        <UserDisablePage ctx={await pageCtx(c)} user={await loadDetail(c)} message={ff.message} />,
        ff.status,
      );
    }
  })
  .post('/admin/users/:id/enable', async (c) => {
    try {
      const u = await updateUser(c.get('deps'), signedIn(c), c.req.param('id'), { disabled: false });
      setFlash(c, 'success', 'userEnabled', [u.displayName]);
      return c.redirect(userHref(u.id), 303);
    } catch (e) {
      const ff = formFailure(e, c.get('t'), c.get('lang'));
      if (!ff) throw e;
      return renderDetail(c, await loadDetail(c), { form: 'access', error: formError({}, ff) }, ff.status);
    }
  })
  .get('/admin/users/:id/roles', async (c) => {
    const d = await loadDetail(c);
    if (!d.canWrite) throw fail.forbidden();
    const values: Record<string, string | undefined> = {};
    d.roles.forEach((r, i) => {
      values[`roles.${i}.role`] = r.role;
      values[`roles.${i}.unitCode`] = r.unitCode;
    });
    return rolesPage(c, d, { values, errors: {} }, rowsFor(d.roles.length));
  })
  .post('/admin/users/:id/roles', async (c) => {
    const p = signedIn(c);
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    const count = Math.min(MAX_ROLE_ROWS, Math.max(ROLE_ROWS, Number(form.get('rows')) || ROLE_ROWS));
    const names = Array.from({ length: count }, (_, i) => [`roles.${i}.role`, `roles.${i}.unitCode`]).flat();
    const values = valuesOf(form, names);
    const { roles, rowErrors } = readRoleRows(form, count, t);
    try {
      if (Object.keys(rowErrors).length > 0)
        return rolesPage(c, await loadDetail(c), { values, errors: rowErrors }, count, {
          status: 422,
          message: t.common.formHasErrors,
        });
      const input = validateForm(zUserUpdate, { roles: roles.filter(Boolean) }, t, lang);
      const u = await updateUser(c.get('deps'), p, c.req.param('id'), input);
      setFlash(c, 'success', 'rolesSaved', [u.displayName]);
      // Someone who just changed their own roles may no longer administer users.
      return c.redirect(u.id === p.userId ? '/' : userHref(u.id), 303);
    } catch (e) {
      const ff = formFailure(e, t, lang, { inputCodes: ['forbidden'] });
      if (!ff) throw e;
      return rolesPage(c, await loadDetail(c), { values, errors: rowPaths(ff.fields, roles) }, count, {
        status: ff.status,
        message: ff.message,
      });
    }
  });

/** Rows offered by the roles editor: the current ones and room for two more (at least ROLE_ROWS). */
const MAX_ROLE_ROWS = 50;
const rowsFor = (held: number) => Math.min(MAX_ROLE_ROWS, Math.max(ROLE_ROWS, held + 2));

/** The user the URL names, as the caller may see it (404 outside scope), with what the page shows. */
async function loadDetail(c: UiCtx): Promise<UserDetail> {
  const p = signedIn(c);
  const deps = c.get('deps');
  const db = deps.store.read;
  const target = await userForCaller(db, p, c.req.param('id') ?? '');
  // The user page is for administrators; a person reaches their own account through the header menu.
  if (grantsFor(p.grants, 'user.read').length === 0) throw fail.forbidden();
  const { user, grants } = target;
  const [names, liveSessions] = await Promise.all([
    unitNamesByIds(
      db,
      grants.map((g) => g.unitId),
    ),
    liveSessionCount(db, user.id, deps.clock.now()),
  ]);
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    createdAt: user.createdAt,
    disabledAt: user.disabledAt,
    passwordChangedAt: user.passwordChangedAt,
    mustChangePassword: user.mustChangePassword,
    roles: grants.map((g) => ({
      role: g.role,
      unitCode: g.unitCode,
      unitName: names.get(g.unitId) ?? g.unitCode,
    })),
    liveSessions,
    canWrite: mayWriteUser(p, target),
    self: user.id === p.userId,
  };
}

function formError(values: Record<string, string | undefined>, ff: FormFailure): FormError {
  return { state: { values, errors: ff.fields }, message: ff.message };
}

async function renderDetail(
  c: UiCtx,
  user: UserDetail,
  failed?: { form: 'name' | 'password' | 'access'; error: FormError },
  status: FormFailure['status'] | 200 = 200,
) {
  return render(c, <UserDetailPage ctx={await pageCtx(c)} user={user} failed={failed} />, status);
}

async function rolesPage(
  c: UiCtx,
  user: UserDetail,
  state: { values: Record<string, string | undefined>; errors: Record<string, string> },
  rows: number,
  failure?: { status: FormFailure['status']; message: string },
) {
  const p = signedIn(c);
  const units = (await pickableUnits(c.get('deps').store.read, p)).filter((u) =>
    allowed(p.grants, 'user.write', u),
  );
  return render(
    c,
    <UserRolesPage
      ctx={await pageCtx(c)}
      user={user}
      state={state}
      rows={rows}
      units={units}
      message={failure?.message}
    />,
    failure?.status ?? 200,
  );
}

/**
 * Role rows as posted: rows with both cells empty are unused; a half-filled row is an error on the
 * missing cell. Positions are kept (sparse), so field paths from the API can be mapped back.
 */
function readRoleRows(form: URLSearchParams, count: number, t: Dict) {
  const roles: { role: string; unitCode: string }[] = [];
  const rowErrors: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const role = text(form, `roles.${i}.role`);
    const unitCode = text(form, `roles.${i}.unitCode`);
    if (!role && !unitCode) continue;
    if (!role) rowErrors[`roles.${i}.role`] = t.forms.chooseFromList;
    if (!unitCode) rowErrors[`roles.${i}.unitCode`] = t.forms.required;
    roles[i] = { role: role ?? '', unitCode: unitCode ?? '' };
  }
  return { roles, rowErrors };
}

/** The API numbers role errors by position among the filled rows; map them back to the form's rows. */
function rowPaths(fields: Record<string, string>, rows: ({ role: string; unitCode: string } | undefined)[]) {
  const filled = rows.map((r, i) => (r ? i : -1)).filter((i) => i >= 0);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    const m = /^roles\.(\d+)\.(role|unitCode)$/.exec(k);
    out[m ? `roles.${filled[Number(m[1])] ?? m[1]}.${m[2]}` : k] = v;
  }
  return out;
}
