/**
 * /compliance — the compliance figures of a unit subtree (`complianceFigures`, the API's service) at
 * now or the end of a past day, with the standard in force then for the wording; one counter unit's
 * checklist when that is the subtree. /equipment/standard — the standard in force and its versions
 * (`standardAt`, `standardVersions`); /equipment/standard/edit — the administrators' form editor,
 * saved with `putStandard` (a new version) and followed by one re-evaluation, as the API does.
 * (Mounted before the register's pages: `/equipment/:id` would take `/equipment/standard`.)
 */
import { Hono } from 'hono';
import {
  type EquipmentStandardBody,
  type Requirement,
  zEquipmentStandardBody,
} from '../../../shared/schemas/assets.js';
import { zUnitCode } from '../../../shared/schemas/common.js';
import { rootUnit } from '../../db/repos/units.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { ApiError, fail } from '../../http/problem.js';
import { complianceAfterChange, complianceFigures } from '../../services/compliance.js';
import { putStandard, standardAt, standardVersions } from '../../services/equipment-standard.js';
import type { UserPrincipal } from '../../services/principal.js';
import type { FieldState } from '../components/form.js';
import { isDay, namesOf, serviceFailure, unitChoices, vnToday } from '../equipment-data.js';
import { num, text, validateForm } from '../forms.js';
import type { Dict } from '../i18n/index.js';
import { pageCtx, signedIn } from '../page-context.js';
import { CompliancePage } from '../pages/compliance.js';
import {
  ROW_FIELDS,
  type RowField,
  rowCount,
  rowKey,
  StandardEditPage,
  StandardPage,
  standardValues,
} from '../pages/equipment-standard.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

function requireReader(p: UserPrincipal) {
  if (grantsFor(p.grants, 'asset.read').length === 0) throw fail.forbidden();
}

/** May change the standard: an administrator at the root unit (the service's own rule). */
async function canEditStandard(c: UiCtx, p: UserPrincipal): Promise<boolean> {
  if (grantsFor(p.grants, 'standard.write').length === 0) return false;
  const root = await rootUnit(c.get('deps').store.read);
  return !!root && allowed(p.grants, 'standard.write', root);
}

// ---- the standard's form ------------------------------------------------------------------------

type Values = Record<string, string | undefined>;

function formValues(form: URLSearchParams): Values {
  const v: Values = {
    name: form.get('name') ?? undefined,
    legalBasis: form.get('legalBasis') ?? undefined,
    activatedAt: form.get('activatedAt') ?? undefined,
    rows: form.get('rows') ?? undefined,
  };
  const rows = rowCount(v);
  for (let i = 0; i < rows; i++)
    for (const f of ROW_FIELDS) v[rowKey(i, f)] = form.get(rowKey(i, f)) ?? undefined;
  return v;
}

/** Schema field of a requirement → the block's field. */
const FIELD_OF: Record<string, RowField> = {
  id: 'id',
  form: 'form',
  kind: 'kind',
  per: 'per',
  attribute: 'attribute',
  min: 'threshold',
  ratio: 'threshold',
  'title.vi': 'titleVi',
  'title.en': 'titleEn',
  legalBasis: 'legalBasis',
};

function rowFieldLabel(t: Dict, f: RowField): string {
  const s = t.standard;
  const labels: Record<RowField, string> = {
    id: s.rId,
    form: s.rForm,
    kind: s.rKind,
    per: s.rPer,
    attribute: s.rAttribute,
    threshold: s.rThreshold,
    titleVi: s.rTitleVi,
    titleEn: s.rTitleEn,
    legalBasis: s.rBasis,
    remove: s.rRemove,
  };
  return labels[f];
}

interface Parsed {
  body: unknown;
  /** Index in `requirements` → block number in the form. */
  rowOf: number[];
  custom: { field: string; message: string }[];
}

/** The blocks as requirements: removed and empty blocks left out, thresholds read as typed. */
function parseStandardForm(form: URLSearchParams, values: Values, t: Dict, now: Date): Parsed {
  const rows = rowCount(values);
  const requirements: Record<string, unknown>[] = [];
  const rowOf: number[] = [];
  const custom: Parsed['custom'] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    const k = (f: RowField) => rowKey(i, f);
    if (form.get(k('remove')) === '1') continue;
    const typed = (['id', 'titleVi', 'titleEn', 'threshold', 'legalBasis'] as const).some((f) =>
      text(form, k(f)),
    );
    if (!typed) continue;
    const id = text(form, k('id')) ?? '';
    if (id && seen.has(id)) custom.push({ field: k('id'), message: t.standard.duplicateId });
    seen.set(id, i);
    const titleVi = text(form, k('titleVi')) ?? '';
    const base = {
      id,
      title: { vi: titleVi, en: text(form, k('titleEn')) ?? titleVi },
      legalBasis: text(form, k('legalBasis')) ?? '',
    };
    const threshold = num(form, k('threshold'));
    const shape = text(form, k('form'));
    if (shape === 'unit_attribute')
      requirements.push({ ...base, form: shape, attribute: text(form, k('attribute')), min: threshold });
    else if (shape === 'ratio')
      requirements.push({
        ...base,
        form: shape,
        kind: text(form, k('kind')),
        per: text(form, k('per')),
        ratio: threshold,
      });
    else requirements.push({ ...base, form: shape ?? 'count', kind: text(form, k('kind')), min: threshold });
    rowOf.push(i);
  }
  const day = text(form, 'activatedAt');
  let activatedAt: string | undefined;
  if (day !== undefined) {
    if (!isDay(day)) custom.push({ field: 'activatedAt', message: t.equipment.badDate });
    else if (day < vnToday(now)) custom.push({ field: 'activatedAt', message: t.standard.activationPast });
    else if (day > vnToday(now)) activatedAt = new Date(`${day}T00:00:00+07:00`).toISOString();
  }
  return {
    body: {
      name: text(form, 'name') ?? '',
      legalBasis: text(form, 'legalBasis') ?? '',
      ...(activatedAt ? { activatedAt } : {}),
      requirements,
    },
    rowOf,
    custom,
  };
}

interface EditFailure {
  status: 403 | 404 | 409 | 422 | 429;
  message: string;
  fields: Record<string, string>;
  problems: string[];
}

/** Schema issues (paths into the body) as messages on the blocks' fields and in the summary list. */
function placeErrors(
  errors: { path: string; message: string }[],
  rowOf: number[],
  t: Dict,
): { fields: Record<string, string>; problems: string[] } {
  const fields: Record<string, string> = {};
  const problems: string[] = [];
  const top: Record<string, string> = {
    name: t.standard.fName,
    legalBasis: t.standard.fBasis,
    activatedAt: t.standard.fActivation,
  };
  for (const e of errors) {
    const m = /^requirements\.(\d+)\.(.+)$/.exec(e.path);
    const block = /^r(\d+)\.(\w+)$/.exec(e.path);
    if (m) {
      const i = rowOf[Number(m[1])] ?? 0;
      const f = FIELD_OF[m[2]!] ?? 'id';
      const key = rowKey(i, f);
      if (!(key in fields)) {
        fields[key] = e.message;
        problems.push(t.standard.rowError(i + 1, rowFieldLabel(t, f), e.message));
      }
    } else if (block) {
      const i = Number(block[1]);
      const f = block[2] as RowField;
      if (!(e.path in fields)) {
        fields[e.path] = e.message;
        problems.push(t.standard.rowError(i + 1, rowFieldLabel(t, f), e.message));
      }
    } else if (e.path in top) {
      if (!(e.path in fields)) {
        fields[e.path] = e.message;
        problems.push(t.standard.fieldError(top[e.path]!, e.message));
      }
    } else if (e.path === 'requirements' || e.path.startsWith('requirements')) {
      problems.push(t.standard.noRows);
    } else problems.push(e.message);
  }
  return { fields, problems: [...new Set(problems)] };
}

async function editPage(c: UiCtx, values: Values, failure?: EditFailure) {
  const state: FieldState = { values, errors: failure?.fields ?? {} };
  return render(
    c,
    <StandardEditPage
      ctx={await pageCtx(c)}
      state={state}
      message={failure?.message}
      problems={failure?.problems ?? []}
    />,
    failure?.status ?? 200,
  );
}

// ---- the routes ---------------------------------------------------------------------------------

export const compliancePages = new Hono<UiEnv>()
  .get('/compliance', async (c) => {
    const p = signedIn(c);
    requireReader(p);
    const deps = c.get('deps');
    const db = deps.store.read;
    const unitQ = c.req.query('unit')?.trim();
    const unit = unitQ && zUnitCode.safeParse(unitQ).success ? unitQ : undefined;
    const atQ = c.req.query('at')?.trim();
    // A past day: its figures at the end of that day (Vietnam time); today or later: now.
    const atDate = isDay(atQ) && atQ < vnToday(deps.clock.now()) ? atQ : undefined;
    const at = atDate ? new Date(`${atDate}T23:59:59.999+07:00`).toISOString() : undefined;
    const [view, choices, ctx] = await Promise.all([
      complianceFigures(deps, p, { unit, at }),
      unitChoices(db, p),
      pageCtx(c),
    ]);
    const standard = await standardAt(db, new Date(view.at));
    return render(
      c,
      <CompliancePage
        ctx={ctx}
        d={{
          view,
          requirements: new Map<string, Requirement>(standard.requirements.map((r) => [r.id, r])),
          units: choices.units,
          unitsTruncated: choices.truncated,
          atDate,
          drilled: !!unit,
        }}
      />,
    );
  })
  .get('/equipment/standard', async (c) => {
    const p = signedIn(c);
    requireReader(p);
    const deps = c.get('deps');
    const db = deps.store.read;
    const t = c.get('t');
    const [current, versions, canEdit] = await Promise.all([
      standardAt(db, deps.clock.now()),
      standardVersions(db),
      canEditStandard(c, p),
    ]);
    const names = await namesOf(
      db,
      [],
      versions.flatMap((v) => (v.activatedBy ? [v.activatedBy] : [])),
    );
    const saved = c.req.query('saved');
    return render(
      c,
      <StandardPage
        ctx={await pageCtx(c)}
        current={current}
        versions={versions}
        people={names.people}
        canEdit={canEdit}
        notice={saved && /^\d{1,6}$/.test(saved) ? t.standard.saved(saved) : undefined}
      />,
    );
  })
  .get('/equipment/standard/edit', async (c) => {
    const p = signedIn(c);
    const t = c.get('t');
    if (!(await canEditStandard(c, p))) throw fail.forbidden(t.standard.readOnly);
    const deps = c.get('deps');
    const current = await standardAt(deps.store.read, deps.clock.now());
    return editPage(c, standardValues(current));
  })
  .post('/equipment/standard/edit', async (c) => {
    const p = signedIn(c);
    const t = c.get('t');
    const lang = c.get('lang');
    if (!(await canEditStandard(c, p))) throw fail.forbidden(t.standard.readOnly);
    const deps = c.get('deps');
    const form = c.get('form')!;
    const values = formValues(form);
    if (form.get('op') === 'add') return editPage(c, { ...values, rows: String(rowCount(values) + 1) });
    const parsed = parseStandardForm(form, values, t, deps.clock.now());
    const issues: { path: string; message: string }[] = parsed.custom.map((x) => ({
      path: x.field,
      message: x.message,
    }));
    let body: EquipmentStandardBody | undefined;
    try {
      body = validateForm(zEquipmentStandardBody, parsed.body, t, lang);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // After the form's own findings (a duplicate code keeps its own words: placed first, it wins).
      issues.push(...(e.extra.errors ?? []));
    }
    if (issues.length > 0 || !body) {
      const placed = placeErrors(issues, parsed.rowOf, t);
      return editPage(c, values, { status: 422, message: t.common.formHasErrors, ...placed });
    }
    try {
      const v = await putStandard(deps, p, body);
      await complianceAfterChange(deps); // every unit, once (as the API does)
      return c.redirect(`/equipment/standard?saved=${v.version}`, 303);
    } catch (e) {
      const ff = serviceFailure(e, t, lang);
      if (!ff) throw e;
      const placed = placeErrors(
        Object.entries(ff.fields).map(([path, message]) => ({ path, message })),
        parsed.rowOf,
        t,
      );
      return editPage(c, values, { status: ff.status, message: ff.message, ...placed });
    }
  });
