/**
 * /admin/policy/:code — a unit's check policy with where each value comes from (`policyLineage`), and
 * the override form: an empty field inherits (sent as `null`), a filled one overrides; validated with
 * the API's `zPolicyPut` and saved with `putPolicy` (which re-checks the merged policy).
 */
import { Hono } from 'hono';
import { zPolicyPut } from '../../../shared/schemas/policy.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { ApiError, fail } from '../../http/problem.js';
import { putPolicy } from '../../services/policy.js';
import { policyLineage } from '../../services/policy-lineage.js';
import { pickableUnits, scopeRoots } from '../../services/unit-directory.js';
import { unitForCaller } from '../../services/units.js';
import { setFlash } from '../flash.js';
import { type FormFailure, formFailure, num, text, validateForm, valuesOf } from '../forms.js';
import { pageCtx, signedIn } from '../page-context.js';
import { PolicyPage } from '../pages/policy.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const FIELDS = [
  'intervalSec',
  'openAfter',
  'recoverAfter',
  'warnFreePct',
  'critFreePct',
  'targets',
  'peripherals',
];

async function page(
  c: UiCtx,
  code: string,
  values?: Record<string, string | undefined>,
  failure?: FormFailure,
) {
  const p = signedIn(c);
  const deps = c.get('deps');
  const db = deps.store.read;
  const unit = await unitForCaller(db, p, code, 'policy.read');
  const [lineage, units, ctx] = await Promise.all([
    policyLineage(deps, p, unit.code),
    pickableUnits(db, p),
    pageCtx(c),
  ]);
  const own = lineage.own;
  const shown = values ?? {
    intervalSec: own.intervalSec?.toString(),
    openAfter: own.openAfter?.toString(),
    recoverAfter: own.recoverAfter?.toString(),
    warnFreePct: own.disk?.warnFreePct.toString(),
    critFreePct: own.disk?.critFreePct.toString(),
    targets: own.targets ? JSON.stringify(own.targets, null, 2) : '',
    peripherals: own.peripherals ? JSON.stringify(own.peripherals.expected, null, 2) : '',
  };
  return render(
    c,
    <PolicyPage
      ctx={ctx}
      lineage={lineage}
      unitName={unit.name}
      canWrite={allowed(p.grants, 'policy.write', unit)}
      units={units}
      state={{ values: shown, errors: failure?.fields ?? {} }}
      message={failure?.message}
    />,
    failure?.status ?? 200,
  );
}

export const policyPages = new Hono<UiEnv>()
  .get('/admin/policy', async (c) => {
    const p = signedIn(c);
    if (grantsFor(p.grants, 'policy.read').length === 0) throw fail.forbidden();
    const asked = c.req.query('unit')?.trim();
    if (asked) return c.redirect(`/admin/policy/${encodeURIComponent(asked)}`, 302);
    const root = (await scopeRoots(c.get('deps').store.read, p))[0];
    if (!root) throw fail.forbidden();
    return page(c, root.code);
  })
  .get('/admin/policy/:code', (c) => page(c, c.req.param('code')))
  .post('/admin/policy/:code', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    const code = c.req.param('code');
    const values = valuesOf(form, FIELDS);
    try {
      const fields: Record<string, string> = {};
      const json = (name: string): unknown => {
        const v = text(form, name);
        if (v === undefined) return null;
        try {
          return JSON.parse(v);
        } catch {
          fields[name] = t.policy.badJson;
          return undefined;
        }
      };
      const warn = num(form, 'warnFreePct');
      const crit = num(form, 'critFreePct');
      const targets = json('targets');
      const expected = json('peripherals');
      if (Object.keys(fields).length > 0)
        throw new ApiError('validation_failed', t.common.formHasErrors, {
          errors: Object.entries(fields).map(([path, message]) => ({ path, message })),
          localised: true,
        });
      const put = validateForm(
        zPolicyPut,
        {
          intervalSec: num(form, 'intervalSec') ?? null,
          openAfter: num(form, 'openAfter') ?? null,
          recoverAfter: num(form, 'recoverAfter') ?? null,
          disk: warn === undefined && crit === undefined ? null : { warnFreePct: warn, critFreePct: crit },
          targets,
          peripherals: expected === null ? null : { expected },
        },
        t,
        lang,
      );
      const saved = await putPolicy(deps, p, code, put);
      setFlash(c, 'success', 'policySaved');
      return c.redirect(`/admin/policy/${encodeURIComponent(saved.unitCode)}`, 303);
    } catch (e) {
      const ff = formFailure(e, t, lang);
      if (!ff) throw e;
      // Paths inside the JSON fields and the disk pair point at the field that holds them.
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(ff.fields)) {
        const top = k.split('.')[0] ?? k;
        const key = top === 'disk' ? (k.includes('crit') ? 'critFreePct' : 'warnFreePct') : top;
        fields[key] ??= v;
      }
      return page(c, code, values, { ...ff, fields });
    }
  });
