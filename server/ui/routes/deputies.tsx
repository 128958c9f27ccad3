/**
 * /deputies — delegations I gave, received or administer; delegating a role for a date range; revoking.
 * Through the API's own `listDeputies`, `createDeputy` (validated with `zDeputyCreate`) and `revokeDeputy`.
 * Dates are whole days in Vietnam time: from 00:00 of the first day to 00:00 after the last.
 */
import { Hono } from 'hono';
import { zDeputyCreate } from '../../../shared/schemas/deputies.js';
import { userByUsername } from '../../db/repos/users.js';
import { grantsFor } from '../../domain/scope.js';
import { ApiError } from '../../http/problem.js';
import { createDeputy, listDeputies, revokeDeputy } from '../../services/deputies.js';
import { pickableUnits } from '../../services/unit-directory.js';
import { emptyFieldState } from '../components/form.js';
import { setFlash } from '../flash.js';
import { type FormFailure, formFailure, text, validateForm, valuesOf } from '../forms.js';
import { labelOf } from '../i18n/index.js';
import { pageCtx, signedIn } from '../page-context.js';
import { DeputiesPage } from '../pages/deputies.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const FIELDS = ['grant', 'role', 'unitCode', 'principal', 'deputy', 'from', 'to', 'reason'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` in Vietnam time → the instant that day starts (UTC+7 all year). */
function dayStart(day: string): Date | undefined {
  if (!DAY.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00+07:00`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Today in Vietnam time as `YYYY-MM-DD` (default for the form). */
function vnDay(d: Date): string {
  return new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

async function page(c: UiCtx, values: Record<string, string | undefined>, failure?: FormFailure) {
  const p = signedIn(c);
  const deps = c.get('deps');
  const db = deps.store.read;
  const cursor = c.req.query('cursor') || undefined;
  const [res, ctx, units] = await Promise.all([
    listDeputies(deps, p, { limit: 50, cursor }),
    pageCtx(c),
    pickableUnits(db, p),
  ]);
  const t = ctx.t;
  const unitNames = new Map(units.map((u) => [u.code, u.name]));
  const grants = p.grants
    .filter((g) => !g.deputyOf && (g.role === 'unit_head' || g.role === 'it_staff'))
    .map((g) => ({
      value: `${g.role}|${g.unitCode}`,
      label: `${labelOf(t.roles, g.role)} · ${unitNames.get(g.unitCode) ?? g.unitCode} (${g.unitCode})`,
    }));
  return render(
    c,
    <DeputiesPage
      ctx={ctx}
      d={{
        items: res.items,
        cursor,
        nextCursor: res.nextCursor,
        grants,
        admin: grantsFor(p.grants, 'user.write').length > 0,
        units,
        unitNames,
        state: { values, errors: failure?.fields ?? {} },
        message: failure?.message,
      }}
    />,
    failure?.status ?? 200,
  );
}

export const deputyPages = new Hono<UiEnv>()
  .get('/deputies', (c) => {
    const now = c.get('deps').clock.now();
    return page(c, emptyFieldState({ from: vnDay(now), to: vnDay(now) }).values);
  })
  .post('/deputies', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    const values = valuesOf(form, FIELDS);
    try {
      const fields: Record<string, string> = {};
      // An administrator's free fields win over the own-role select when filled in.
      const freeUnit = text(form, 'unitCode');
      const [grantRole, grantUnit] = (text(form, 'grant') ?? '').split('|');
      const role = freeUnit ? text(form, 'role') : grantRole;
      const unitCode = freeUnit ?? grantUnit;
      let principalId: string | undefined;
      const principalName = freeUnit ? text(form, 'principal') : undefined;
      if (principalName) {
        principalId = (await userByUsername(deps.store.read, principalName))?.id;
        if (!principalId) fields.principal = t.deputies.deputyUnknown;
      } else if (!freeUnit) principalId = p.userId;
      const deputyName = text(form, 'deputy');
      const deputy = deputyName ? await userByUsername(deps.store.read, deputyName) : undefined;
      if (deputyName && !deputy) fields.deputy = t.deputies.deputyUnknown;
      const from = dayStart(text(form, 'from') ?? '');
      const toDay = dayStart(text(form, 'to') ?? '');
      if (!from) fields.from = t.deputies.badDate;
      if (!toDay) fields.to = t.deputies.badDate;
      if (from && toDay && toDay < from) fields.to = t.deputies.endBeforeStart;
      if (Object.keys(fields).length > 0)
        throw new ApiError('validation_failed', t.common.formHasErrors, {
          errors: Object.entries(fields).map(([path, message]) => ({ path, message })),
          localised: true,
        });
      const input = validateForm(
        zDeputyCreate,
        {
          principalId,
          deputyId: deputy?.id ?? '',
          role: role ?? '',
          unitCode: unitCode ?? '',
          startsAt: from!.toISOString(),
          endsAt: new Date(toDay!.getTime() + 86_400_000).toISOString(),
          reason: text(form, 'reason'),
        },
        t,
        lang,
      );
      await createDeputy(deps, p, input);
      setFlash(c, 'success', 'deputyCreated');
      return c.redirect('/deputies', 303);
    } catch (e) {
      const ff = formFailure(e, t, lang, { inputCodes: ['forbidden'] });
      if (!ff) throw e;
      // The API names fields by its own keys; point them at the form's.
      const rename: Record<string, string> = {
        deputyId: 'deputy',
        principalId: 'principal',
        startsAt: 'from',
        endsAt: 'to',
        role: text(form, 'unitCode') ? 'role' : 'grant',
        unitCode: text(form, 'unitCode') ? 'unitCode' : 'grant',
      };
      const fields = Object.fromEntries(Object.entries(ff.fields).map(([k, v]) => [rename[k] ?? k, v]));
      return page(c, values, { ...ff, fields });
    }
  })
  .post('/deputies/:id/revoke', async (c) => {
    const p = signedIn(c);
    await revokeDeputy(c.get('deps'), p, c.req.param('id'));
    setFlash(c, 'success', 'deputyRevoked');
    return c.redirect('/deputies', 303);
  });
