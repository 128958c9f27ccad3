/**
 * The check-policy form, shared by a unit's page and a device's: own overrides → field values, a post
 * → the API's `PolicyPut` (validated with `zPolicyPut`), and error paths → the field that holds them.
 * An empty field means "inherit" (`null`); a `clear=<key>` post (the "remove override" button on a
 * row) sends only that key as `null` and leaves the others as they are.
 */
import type { PolicyOverrides, PolicyPut } from '../../shared/schemas/policy.js';
import { zPolicyPut } from '../../shared/schemas/policy.js';
import { ApiError } from '../http/problem.js';
import { type FormFailure, formFailure, num, text, validateForm, valuesOf } from './forms.js';
import type { Dict, Lang } from './i18n/index.js';

export const POLICY_FIELDS = [
  'intervalSec',
  'openAfter',
  'recoverAfter',
  'warnFreePct',
  'critFreePct',
  'targets',
  'peripherals',
] as const;

/** The form as it shows a subject's own overrides (empty: inherited). */
export function policyFormValues(own: PolicyOverrides): Record<string, string | undefined> {
  return {
    intervalSec: own.intervalSec?.toString(),
    openAfter: own.openAfter?.toString(),
    recoverAfter: own.recoverAfter?.toString(),
    warnFreePct: own.disk?.warnFreePct.toString(),
    critFreePct: own.disk?.critFreePct.toString(),
    targets: own.targets ? JSON.stringify(own.targets, null, 2) : '',
    peripherals: own.peripherals ? JSON.stringify(own.peripherals.expected, null, 2) : '',
  };
}

/** The values to show again after a failed post: as typed (a "remove" post typed nothing). */
export function policyPostedValues(form: URLSearchParams): Record<string, string | undefined> | undefined {
  return form.has('clear') ? undefined : valuesOf(form, POLICY_FIELDS);
}

/** Reads a posted policy form into the API's PUT body; throws the 422 the form shows. */
export function policyPutOf(form: URLSearchParams, t: Dict, lang: Lang): PolicyPut {
  const clear = form.get('clear');
  if (clear !== null) return validateForm(zPolicyPut, { [clear]: null }, t, lang);
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
  return validateForm(
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
}

/** A service or validation error as the form shows it: paths inside JSON and the disk pair → their field. */
export function policyFormFailure(e: unknown, t: Dict, lang: Lang): FormFailure | undefined {
  const ff = formFailure(e, t, lang);
  if (!ff) return undefined;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(ff.fields)) {
    // The disk pair's own rule (zod refine, or the service's check of the merged pair) names no field.
    if (k === 'disk') {
      fields.critFreePct ??= t.policy.critAboveWarn;
      continue;
    }
    const top = k.split('.')[0] ?? k;
    const key = top === 'disk' ? (k.includes('crit') ? 'critFreePct' : 'warnFreePct') : top;
    fields[key] ??= v;
  }
  return { ...ff, fields };
}
