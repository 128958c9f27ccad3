/**
 * /admin/users — the user list (the same `listUsersInScope` as GET /api/v1/users) and creating users
 * with role grants (the API's own `createUser`, which checks every grant's unit against the caller).
 */
import { Hono } from 'hono';
import { zUserCreate } from '../../../shared/schemas/users.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
import { fail } from '../../http/problem.js';
import { pickableUnits } from '../../services/unit-directory.js';
import { listUsersInScope } from '../../services/user-directory.js';
import { createUser } from '../../services/users.js';
import { setFlash } from '../flash.js';
import { type FormFailure, formFailure, text, validateForm, valuesOf } from '../forms.js';
import { pageCtx, signedIn } from '../page-context.js';
import { ROLE_ROWS, UserFormPage, UsersPage } from '../pages/users.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const PAGE = 50;
const ROLE_FIELDS = Array.from({ length: ROLE_ROWS }, (_, i) => [
  `roles.${i}.role`,
  `roles.${i}.unitCode`,
]).flat();
const FIELDS = ['username', 'displayName', ...ROLE_FIELDS];

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
    // Rows with both cells empty are unused; a half-filled row is an error on the missing cell.
    const roles: { role: string; unitCode: string }[] = [];
    const rowErrors: Record<string, string> = {};
    for (let i = 0; i < ROLE_ROWS; i++) {
      const role = text(form, `roles.${i}.role`);
      const unitCode = text(form, `roles.${i}.unitCode`);
      if (!role && !unitCode) continue;
      if (!role) rowErrors[`roles.${i}.role`] = t.forms.chooseFromList;
      if (!unitCode) rowErrors[`roles.${i}.unitCode`] = t.forms.required;
      // Field paths from the API refer to positions in `roles`; keep them equal to the form's rows.
      roles[i] = { role: role ?? '', unitCode: unitCode ?? '' };
    }
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
  });

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
