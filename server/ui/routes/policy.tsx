/**
 * /admin/policy/:code — a unit's check policy — and /fleet/devices/:id/policy — one PC's — each with
 * where every value comes from (`policyLineage`, `devicePolicyLineage`) and the override form: an
 * empty field inherits (sent as `null`), a filled one overrides, a row's "remove override" clears one
 * key. Validated with the API's `zPolicyPut` (ui/policy-form.ts) and saved with the API's services
 * (`putPolicy`, `updateDevicePolicy`), which check scope, re-check the merged policy and audit.
 */
import { Hono } from 'hono';
import type { PolicyPut } from '../../../shared/schemas/policy.js';
import { unitByCode } from '../../db/repos/units.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { fail } from '../../http/problem.js';
import { updateDevicePolicy } from '../../services/devices.js';
import { putPolicy } from '../../services/policy.js';
import { devicePolicyLineage, policyLineage } from '../../services/policy-lineage.js';
import { pickableUnits, scopeRoots } from '../../services/unit-directory.js';
import { unitForCaller } from '../../services/units.js';
import { type FlashKey, setFlash } from '../flash.js';
import type { FormFailure } from '../forms.js';
import { pageCtx, signedIn } from '../page-context.js';
import { DevicePolicyPage, devicePolicyHref } from '../pages/device-policy.js';
import { PolicyPage } from '../pages/policy.js';
import { policyFormFailure, policyFormValues, policyPostedValues, policyPutOf } from '../policy-form.js';
import { render } from '../render.js';
import { ipOf, type UiCtx, type UiEnv } from '../ui-env.js';

type Values = Record<string, string | undefined>;

async function unitPage(c: UiCtx, code: string, values?: Values, failure?: FormFailure) {
  const p = signedIn(c);
  const deps = c.get('deps');
  const db = deps.store.read;
  const unit = await unitForCaller(db, p, code, 'policy.read');
  const [lineage, units, ctx] = await Promise.all([
    policyLineage(deps, p, unit.code),
    pickableUnits(db, p),
    pageCtx(c),
  ]);
  return render(
    c,
    <PolicyPage
      ctx={ctx}
      lineage={lineage}
      unitName={unit.name}
      canWrite={allowed(p.grants, 'policy.write', unit)}
      units={units}
      state={{ values: values ?? policyFormValues(lineage.own), errors: failure?.fields ?? {} }}
      message={failure?.message}
    />,
    failure?.status ?? 200,
  );
}

async function devicePage(c: UiCtx, id: string, values?: Values, failure?: FormFailure) {
  const p = signedIn(c);
  const deps = c.get('deps');
  // The service answers 404 outside the caller's device scope, exactly as the API does.
  const lineage = await devicePolicyLineage(deps, p, id);
  const [unit, ctx] = await Promise.all([unitByCode(deps.store.read, lineage.unit.code), pageCtx(c)]);
  return render(
    c,
    <DevicePolicyPage
      ctx={ctx}
      lineage={lineage}
      canWrite={!!unit && allowed(p.grants, 'policy.write', unit)}
      state={{ values: values ?? policyFormValues(lineage.own), errors: failure?.fields ?? {} }}
      message={failure?.message}
    />,
    failure?.status ?? 200,
  );
}

/** A policy post: form → PUT body → the service; on failure the page again with the errors. */
async function save(
  c: UiCtx,
  write: (put: PolicyPut) => Promise<string>,
  flash: FlashKey,
  again: (values?: Values, failure?: FormFailure) => Promise<Response>,
) {
  const t = c.get('t');
  const lang = c.get('lang');
  const form = c.get('form')!;
  try {
    const to = await write(policyPutOf(form, t, lang));
    setFlash(c, 'success', flash);
    return c.redirect(to, 303);
  } catch (e) {
    const ff = policyFormFailure(e, t, lang);
    if (!ff) throw e;
    return again(policyPostedValues(form), ff);
  }
}

export const policyPages = new Hono<UiEnv>()
  .get('/admin/policy', async (c) => {
    const p = signedIn(c);
    if (grantsFor(p.grants, 'policy.read').length === 0) throw fail.forbidden();
    const asked = c.req.query('unit')?.trim();
    if (asked) return c.redirect(`/admin/policy/${encodeURIComponent(asked)}`, 302);
    const root = (await scopeRoots(c.get('deps').store.read, p))[0];
    if (!root) throw fail.forbidden();
    return unitPage(c, root.code);
  })
  .get('/admin/policy/:code', (c) => unitPage(c, c.req.param('code')))
  .post('/admin/policy/:code', (c) => {
    const code = c.req.param('code');
    const p = { ...signedIn(c), ip: ipOf(c) };
    return save(
      c,
      async (put) => {
        const saved = await putPolicy(c.get('deps'), p, code, put);
        return `/admin/policy/${encodeURIComponent(saved.unitCode)}`;
      },
      'policySaved',
      (values, failure) => unitPage(c, code, values, failure),
    );
  })
  .get('/fleet/devices/:id/policy', (c) => devicePage(c, c.req.param('id')))
  .post('/fleet/devices/:id/policy', (c) => {
    const id = c.req.param('id');
    const p = { ...signedIn(c), ip: ipOf(c) };
    return save(
      c,
      async (put) => devicePolicyHref((await updateDevicePolicy(c.get('deps'), p, id, put)).deviceId),
      'devicePolicySaved',
      (values, failure) => devicePage(c, id, values, failure),
    );
  });
