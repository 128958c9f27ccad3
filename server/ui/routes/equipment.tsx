/**
 * /equipment — the register (filters, keyset pages, the peripherals the agents see, confirmed with
 * one click); /equipment/new and /equipment/:id/edit — the asset form; /equipment/:id — one asset;
 * /equipment/suppliers — the supplier list and its forms; /equipment/import — the file upload page
 * (the upload itself goes to the API); /equipment/labels — printable QR labels. Reads and writes
 * through the services the API uses (`listAssets`, `getAsset`, `assetSuggestions`, `createAsset`,
 * `updateAsset`, the supplier service), re-evaluating compliance after a change as the API does.
 * (Under /equipment, not /assets: `/assets/` is the UI's static files.)
 */
import { Hono } from 'hono';
import { ASSET_KINDS, ASSET_STATUSES, type AssetKind, type AssetStatus } from '../../../shared/enums.js';
import {
  type AssetView,
  zAssetCreate,
  zAssetUpdate,
  zSupplierCreate,
  zSupplierUpdate,
} from '../../../shared/schemas/assets.js';
import { zUnitCode } from '../../../shared/schemas/common.js';
import { unitByCode } from '../../db/repos/units.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
import { ApiError, fail } from '../../http/problem.js';
import { assetSuggestions, createAsset, getAsset, listAssets, updateAsset } from '../../services/assets.js';
import { complianceAfterChange } from '../../services/compliance.js';
import { hostnamesOf } from '../../services/fleet.js';
import type { UserPrincipal } from '../../services/principal.js';
import { createSupplier, listSuppliers, updateSupplier } from '../../services/suppliers.js';
import { unitForCaller } from '../../services/units.js';
import { equipmentHref } from '../components/equipment.js';
import { emptyFieldState } from '../components/form.js';
import { isDay, namesOf, serviceFailure, unitChoices, validateAll } from '../equipment-data.js';
import { type FormFailure, text, valuesOf } from '../forms.js';
import { parseVnd } from '../money-input.js';
import { pageCtx, signedIn } from '../page-context.js';
import {
  ASSET_FORM_FIELDS,
  AssetFormPage,
  AssetPage,
  type RegisterFilters,
  RegisterPage,
} from '../pages/equipment.js';
import { ImportPage } from '../pages/equipment-import.js';
import { LabelsPage } from '../pages/equipment-labels.js';
import { SUPPLIER_FIELDS, SupplierEditPage, SuppliersPage } from '../pages/equipment-suppliers.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const PAGE = 50;
const SUGGESTIONS_PAGE = 20;
const SUPPLIERS_PAGE = 50;
/** One print run: ten A4 sheets of 24. */
export const MAX_LABELS = 240;

function requireReader(p: UserPrincipal) {
  if (grantsFor(p.grants, 'asset.read').length === 0) throw fail.forbidden();
}

function requireWriter(p: UserPrincipal) {
  if (grantsFor(p.grants, 'asset.write').length === 0) throw fail.forbidden();
}

/** The register's filters from the query string; a value that could not be a filter is dropped. */
function filtersOf(c: UiCtx): RegisterFilters {
  const q = (k: string) => c.req.query(k)?.trim() || undefined;
  const unit = q('unit');
  const kind = q('kind');
  const status = q('status');
  return {
    unit: unit && zUnitCode.safeParse(unit).success ? unit : undefined,
    kind: (ASSET_KINDS as readonly string[]).includes(kind ?? '') ? kind : undefined,
    status: (ASSET_STATUSES as readonly string[]).includes(status ?? '') ? status : undefined,
    q: q('q')?.slice(0, 200),
  };
}

/** An offset cursor (for lists the services return whole): `[offset]`. */
function offsetOf(cursor: string | undefined): number {
  const n = Number(decodeCursor(cursor, 1)?.[0] ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

const DONE = ['created', 'saved', 'confirmed'] as const;
type Done = (typeof DONE)[number];
const doneOf = (c: UiCtx): Done | undefined => DONE.find((d) => d === c.req.query('done'));

async function registerPage(c: UiCtx, suggestionFailure?: FormFailure) {
  const p = signedIn(c);
  requireReader(p);
  const deps = c.get('deps');
  const db = deps.store.read;
  const t = c.get('t');
  const f = filtersOf(c);
  const cursor = c.req.query('cursor') || undefined;
  const scursor = c.req.query('scursor') || undefined;
  const canWrite = grantsFor(p.grants, 'asset.write').length > 0;
  const [list, choices, suggestions, ctx] = await Promise.all([
    listAssets(deps, p, {
      unit: f.unit,
      kind: f.kind as AssetKind | undefined,
      status: f.status as AssetStatus | undefined,
      q: f.q,
      limit: PAGE,
      cursor,
    }),
    unitChoices(db, p),
    canWrite
      ? assetSuggestions(deps, p, { unit: f.unit }).catch((e) => {
          // A unit the caller reads but does not keep: nothing to confirm there.
          if (e instanceof ApiError && e.code === 'forbidden') return undefined;
          throw e;
        })
      : Promise.resolve(undefined),
    pageCtx(c),
  ]);
  const offset = offsetOf(scursor);
  const done = doneOf(c);
  return render(
    c,
    <RegisterPage
      ctx={ctx}
      d={{
        filters: f,
        items: list.items,
        cursor,
        nextCursor: list.nextCursor,
        units: choices.units,
        unitsTruncated: choices.truncated,
        canWrite,
        suggestions: suggestions && {
          items: suggestions.items.slice(offset, offset + SUGGESTIONS_PAGE),
          cursor: scursor,
          nextCursor:
            suggestions.items.length > offset + SUGGESTIONS_PAGE
              ? encodeCursor([offset + SUGGESTIONS_PAGE])
              : null,
          error: suggestionFailure?.message,
        },
        notice: done === 'confirmed' ? t.equipment.confirmed : undefined,
      }}
    />,
    suggestionFailure?.status ?? 200,
  );
}

// ---- the asset form ---------------------------------------------------------------------------

type Values = Record<string, string | undefined>;

function valuesOfAsset(a: AssetView): Values {
  return {
    unitCode: a.unitCode,
    kind: a.kind,
    name: a.name,
    assetTag: a.assetTag,
    manufacturer: a.manufacturer ?? '',
    model: a.model ?? '',
    serial: a.serial ?? '',
    purchasedOn: a.purchasedOn ?? '',
    priceVnd: a.priceVnd === null ? '' : new Intl.NumberFormat('vi-VN').format(a.priceVnd),
    fundingSource: a.fundingSource ?? '',
    warrantyUntil: a.warrantyUntil ?? '',
    supplierId: a.supplier?.id ?? '',
    status: a.status,
    notes: a.notes ?? '',
  };
}

async function assetForm(c: UiCtx, values: Values, asset?: AssetView, failure?: FormFailure) {
  const p = signedIn(c);
  const deps = c.get('deps');
  const db = deps.store.read;
  const [choices, suppliers, ctx] = await Promise.all([
    unitChoices(db, p),
    listSuppliers(deps, p),
    pageCtx(c),
  ]);
  // Only the units the caller keeps the register of (a viewer's wider scope is not offered).
  const units = choices.units.filter((u) => allowed(p.grants, 'asset.write', u));
  return render(
    c,
    <AssetFormPage
      ctx={ctx}
      d={{
        asset,
        state: { values, errors: failure?.fields ?? {} },
        message: failure?.message,
        units,
        unitsTruncated: choices.truncated,
        suppliers: suppliers.items,
      }}
    />,
    failure?.status ?? 200,
  );
}

/** What the form says, read the way people type it; problems the schema cannot see are in `custom`. */
function readAssetForm(form: URLSearchParams, t: UiCtx['var']['t']) {
  const e = t.equipment;
  const custom: Record<string, string> = {};
  const priceText = text(form, 'priceVnd');
  const priceVnd = priceText === undefined ? undefined : parseVnd(priceText);
  if (priceVnd !== undefined && Number.isNaN(priceVnd)) custom.priceVnd = e.priceBad;
  const day = (k: string) => {
    const v = text(form, k);
    if (v !== undefined && !isDay(v)) custom[k] = e.badDate;
    return v;
  };
  return {
    custom,
    fields: {
      unitCode: text(form, 'unitCode') ?? '',
      kind: text(form, 'kind') ?? '',
      name: text(form, 'name') ?? '',
      assetTag: text(form, 'assetTag'),
      manufacturer: text(form, 'manufacturer'),
      model: text(form, 'model'),
      serial: text(form, 'serial'),
      purchasedOn: day('purchasedOn'),
      priceVnd: priceVnd !== undefined && Number.isNaN(priceVnd) ? undefined : priceVnd,
      fundingSource: text(form, 'fundingSource'),
      warrantyUntil: day('warrantyUntil'),
      supplierId: text(form, 'supplierId'),
      status: text(form, 'status') ?? 'in_use',
      statusNote: text(form, 'statusNote'),
      notes: text(form, 'notes'),
    },
  };
}

const friendlyDates = (t: UiCtx['var']['t']) => ({
  purchasedOn: t.equipment.badDate,
  warrantyUntil: t.equipment.badDate,
});

async function editable(c: UiCtx, p: UserPrincipal, id: string) {
  const deps = c.get('deps');
  const a = await getAsset(deps, p, id);
  const unit = await unitByCode(deps.store.read, a.unitCode);
  if (!unit || !allowed(p.grants, 'asset.write', unit)) throw fail.forbidden();
  return a;
}

// ---- suppliers ----------------------------------------------------------------------------------

async function suppliersPage(c: UiCtx, values: Values, failure?: FormFailure) {
  const p = signedIn(c);
  const deps = c.get('deps');
  const [list, ctx] = await Promise.all([listSuppliers(deps, p), pageCtx(c)]);
  const cursor = c.req.query('cursor') || undefined;
  const offset = offsetOf(cursor);
  const t = c.get('t');
  const done = c.req.query('done');
  return render(
    c,
    <SuppliersPage
      ctx={ctx}
      items={list.items.slice(offset, offset + SUPPLIERS_PAGE)}
      page={{
        base: '/equipment/suppliers',
        cursor,
        nextCursor:
          list.items.length > offset + SUPPLIERS_PAGE ? encodeCursor([offset + SUPPLIERS_PAGE]) : null,
      }}
      canWrite={grantsFor(p.grants, 'asset.write').length > 0}
      state={{ values, errors: failure?.fields ?? {} }}
      message={failure?.message}
      notice={
        done === 'created'
          ? t.equipment.supplierCreated
          : done === 'saved'
            ? t.equipment.supplierSaved
            : undefined
      }
    />,
    failure?.status ?? 200,
  );
}

async function supplierOf(c: UiCtx, p: UserPrincipal, id: string) {
  const s = (await listSuppliers(c.get('deps'), p)).items.find((x) => x.id === id);
  if (!s) throw fail.notFound({ vi: 'Không tìm thấy nhà cung cấp này.', en: 'Supplier not found.' });
  return s;
}

function readSupplierForm(form: URLSearchParams, t: UiCtx['var']['t']) {
  return {
    friendly: { email: t.equipment.emailBad, taxCode: t.equipment.taxBad },
    fields: {
      name: text(form, 'name') ?? '',
      phone: text(form, 'phone'),
      email: text(form, 'email'),
      taxCode: text(form, 'taxCode'),
    },
  };
}

// ---- the routes ---------------------------------------------------------------------------------

export const equipmentPages = new Hono<UiEnv>()
  .get('/equipment', (c) => registerPage(c))
  .post('/equipment/suggestions', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    try {
      const input = validateAll(
        zAssetCreate,
        {
          unitCode: text(form, 'unitCode') ?? '',
          kind: text(form, 'kind') ?? '',
          name: (text(form, 'name') ?? '').slice(0, 200),
          serial: text(form, 'serial'),
          peripheralRef: text(form, 'peripheralRef'),
        },
        t,
        lang,
        {},
      );
      const a = await createAsset(deps, p, input);
      await complianceAfterChange(deps, [a.unitCode]);
      return c.redirect(`${equipmentHref(a.id)}?done=confirmed`, 303);
    } catch (e) {
      const ff = serviceFailure(e, t, lang, { inputCodes: ['not_found', 'forbidden'] });
      if (!ff) throw e;
      return registerPage(c, ff);
    }
  })
  .get('/equipment/new', async (c) => {
    const p = signedIn(c);
    requireWriter(p);
    const kind = c.req.query('kind');
    const unit = c.req.query('unit')?.slice(0, 32);
    const writable = grantsFor(p.grants, 'asset.write');
    return assetForm(c, {
      unitCode: unit ?? (writable.length === 1 ? writable[0]!.unitCode : undefined),
      kind: (ASSET_KINDS as readonly string[]).includes(kind ?? '') ? kind : undefined,
      status: 'in_use',
    });
  })
  .post('/equipment/new', async (c) => {
    const p = signedIn(c);
    requireWriter(p);
    const deps = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    const values = valuesOf(form, ASSET_FORM_FIELDS);
    try {
      const { custom, fields } = readAssetForm(form, t);
      const { statusNote: _, ...create } = fields;
      const input = validateAll(zAssetCreate, create, t, lang, custom, friendlyDates(t));
      const a = await createAsset(deps, p, input);
      await complianceAfterChange(deps, [a.unitCode]);
      return c.redirect(`${equipmentHref(a.id)}?done=created`, 303);
    } catch (e) {
      const ff = serviceFailure(e, t, lang, {
        inputCodes: ['not_found', 'forbidden'],
        field: 'unitCode',
        conflictField: 'assetTag',
      });
      if (!ff) throw e;
      return assetForm(c, values, undefined, ff);
    }
  })
  .get('/equipment/import', async (c) => {
    const p = signedIn(c);
    requireWriter(p);
    return render(c, <ImportPage ctx={await pageCtx(c)} />);
  })
  .get('/equipment/labels', async (c) => {
    const p = signedIn(c);
    requireReader(p);
    const deps = c.get('deps');
    const t = c.get('t');
    const f = filtersOf(c);
    const assetId = c.req.query('asset');
    let items: AssetView[];
    let more = false;
    let scopeName = t.equipment.allUnits;
    if (assetId) {
      const a = await getAsset(deps, p, assetId);
      items = [a];
      scopeName = a.assetTag;
    } else {
      const res = await listAssets(deps, p, {
        unit: f.unit,
        kind: f.kind as AssetKind | undefined,
        status: f.status as AssetStatus | undefined,
        q: f.q,
        limit: MAX_LABELS,
      });
      items = res.items;
      more = res.nextCursor !== null;
      if (f.unit) scopeName = (await unitForCaller(deps.store.read, p, f.unit, 'asset.read')).name;
    }
    const back = assetId
      ? equipmentHref(assetId)
      : `/equipment${new URL(c.req.url).search.replace(/[?&]asset=[^&]*/, '')}`;
    return render(
      c,
      <LabelsPage
        ctx={await pageCtx(c)}
        origin={new URL(c.req.url).origin}
        scopeName={scopeName}
        items={items}
        more={more}
        back={back}
      />,
    );
  })
  .get('/equipment/suppliers', (c) => {
    requireReader(signedIn(c));
    return suppliersPage(c, emptyFieldState().values);
  })
  .post('/equipment/suppliers', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    const values = valuesOf(form, SUPPLIER_FIELDS);
    try {
      const { fields, friendly } = readSupplierForm(form, t);
      await createSupplier(deps, p, validateAll(zSupplierCreate, fields, t, lang, {}, friendly));
      return c.redirect('/equipment/suppliers?done=created', 303);
    } catch (e) {
      const ff = serviceFailure(e, t, lang);
      if (!ff) throw e;
      return suppliersPage(c, values, ff);
    }
  })
  .get('/equipment/suppliers/:id/edit', async (c) => {
    const p = signedIn(c);
    requireWriter(p);
    const s = await supplierOf(c, p, c.req.param('id'));
    return render(
      c,
      <SupplierEditPage
        ctx={await pageCtx(c)}
        supplier={s}
        state={emptyFieldState({
          name: s.name,
          phone: s.phone ?? '',
          email: s.email ?? '',
          taxCode: s.taxCode ?? '',
        })}
      />,
    );
  })
  .post('/equipment/suppliers/:id/edit', async (c) => {
    const p = signedIn(c);
    requireWriter(p);
    const deps = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    const id = c.req.param('id');
    const s = await supplierOf(c, p, id);
    const values = valuesOf(form, SUPPLIER_FIELDS);
    try {
      const { fields, friendly } = readSupplierForm(form, t);
      // An emptied phone is cleared; the schema has no "none" for e-mail and tax code, so an emptied
      // one keeps its value.
      const patch = validateAll(
        zSupplierUpdate,
        { ...fields, phone: fields.phone ?? '' },
        t,
        lang,
        {},
        friendly,
      );
      await updateSupplier(deps, p, id, patch);
      return c.redirect('/equipment/suppliers?done=saved', 303);
    } catch (e) {
      const ff = serviceFailure(e, t, lang);
      if (!ff) throw e;
      return render(
        c,
        <SupplierEditPage
          ctx={await pageCtx(c)}
          supplier={s}
          state={{ values, errors: ff.fields }}
          message={ff.message}
        />,
        ff.status,
      );
    }
  })
  .get('/equipment/:id', async (c) => {
    const p = signedIn(c);
    requireReader(p);
    const deps = c.get('deps');
    const db = deps.store.read;
    const t = c.get('t');
    const a = await getAsset(deps, p, c.req.param('id'));
    const [unit, names, hosts, ctx] = await Promise.all([
      unitByCode(db, a.unitCode),
      namesOf(
        db,
        a.history.map((h) => h.unitCode),
        a.history.flatMap((h) => (h.by ? [h.by] : [])),
      ),
      a.deviceId ? hostnamesOf(db, [a.deviceId]) : Promise.resolve(new Map<string, string>()),
      pageCtx(c),
    ]);
    const done = doneOf(c);
    return render(
      c,
      <AssetPage
        ctx={ctx}
        d={{
          asset: a,
          people: names.people,
          unitNames: names.units,
          deviceHostname: a.deviceId ? hosts.get(a.deviceId) : undefined,
          canWrite: !!unit && allowed(p.grants, 'asset.write', unit),
          canReport: !!unit && allowed(p.grants, 'asset.report', unit),
          notice:
            done === 'created'
              ? t.equipment.created
              : done === 'saved'
                ? t.equipment.saved
                : done === 'confirmed'
                  ? t.equipment.confirmed
                  : undefined,
        }}
      />,
    );
  })
  .get('/equipment/:id/edit', async (c) => {
    const p = signedIn(c);
    const a = await editable(c, p, c.req.param('id'));
    return assetForm(c, valuesOfAsset(a), a);
  })
  .post('/equipment/:id/edit', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    const id = c.req.param('id');
    const before = await editable(c, p, id);
    const values = valuesOf(form, ASSET_FORM_FIELDS);
    try {
      const { custom, fields } = readAssetForm(form, t);
      if (fields.status !== before.status && !fields.statusNote)
        custom.statusNote = t.equipment.statusNoteRequired;
      const patch = validateAll(
        zAssetUpdate,
        {
          unitCode: fields.unitCode,
          kind: fields.kind,
          name: fields.name,
          // An emptied label keeps the old one (a label is never removed, only replaced).
          ...(fields.assetTag ? { assetTag: fields.assetTag } : {}),
          manufacturer: fields.manufacturer ?? null,
          model: fields.model ?? null,
          serial: fields.serial ?? null,
          purchasedOn: fields.purchasedOn ?? null,
          priceVnd: fields.priceVnd ?? null,
          fundingSource: fields.fundingSource ?? null,
          warrantyUntil: fields.warrantyUntil ?? null,
          supplierId: fields.supplierId ?? null,
          status: fields.status,
          ...(fields.status !== before.status && fields.statusNote ? { statusNote: fields.statusNote } : {}),
          notes: fields.notes ?? null,
        },
        t,
        lang,
        custom,
        friendlyDates(t),
      );
      const a = await updateAsset(deps, p, id, patch);
      await complianceAfterChange(deps, [before.unitCode, a.unitCode]);
      return c.redirect(`${equipmentHref(id)}?done=saved`, 303);
    } catch (e) {
      const ff = serviceFailure(e, t, lang, {
        inputCodes: ['not_found', 'forbidden'],
        field: 'unitCode',
        conflictField: 'assetTag',
      });
      if (!ff) throw e;
      return assetForm(c, values, before, ff);
    }
  });
