/**
 * The equipment register: the list (filters, keyset pages, export and label links, the peripherals
 * the agents see waiting to be confirmed), one asset's page (details, warranty, condition timeline,
 * repair history and cost) and the add/edit form.
 */
import { ASSET_KINDS, ASSET_STATUSES, type TicketStatus } from '../../../shared/enums.js';
import type { AssetDetail, AssetView, SupplierView } from '../../../shared/schemas/assets.js';
import type { AssetSuggestion } from '../../services/assets.js';
import { TicketStatusBadge } from '../components/badge.js';
import {
  AssetStatusBadge,
  dayText,
  EquipmentTabs,
  equipmentHref,
  kindLabel,
  type PickUnit,
  reportHref,
  UnitPicker,
  WarrantyCell,
} from '../components/equipment.js';
import { EmptyState, Notice } from '../components/flash.js';
import {
  CsrfField,
  type FieldState,
  FormSummary,
  SelectField,
  TextAreaField,
  TextField,
} from '../components/form.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { ticketHref } from '../components/tickets.js';
import { DateTime } from '../components/time.js';
import { formatDateTime, formatVnd } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

export interface RegisterFilters {
  unit?: string;
  kind?: string;
  status?: string;
  q?: string;
}

export function registerParams(f: RegisterFilters): Record<string, string | undefined> {
  return { unit: f.unit, kind: f.kind, status: f.status, q: f.q };
}

/** `base?unit=…&kind=…` with only the filters that are set (and any extra parameters). */
export function withFilters(base: string, f: RegisterFilters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(extra);
  for (const [k, v] of Object.entries(registerParams(f))) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

export interface RegisterData {
  filters: RegisterFilters;
  items: AssetView[];
  cursor?: string;
  nextCursor: string | null;
  units: PickUnit[];
  unitsTruncated: boolean;
  canWrite: boolean;
  suggestions?: {
    items: AssetSuggestion[];
    cursor?: string;
    nextCursor: string | null;
    /** A confirmation that was refused (already registered, no longer seen): its message. */
    error?: string;
  };
  notice?: string;
}

function Filters({ ctx, d }: { ctx: PageCtx; d: RegisterData }) {
  const t = ctx.t.equipment;
  const f = d.filters;
  const active = !!(f.unit || f.kind || f.status || f.q);
  const state: FieldState = { values: { ...f }, errors: {} };
  return (
    <form method="get" action="/equipment" class="filters card" aria-label={t.filters}>
      <UnitPicker
        ctx={ctx}
        state={state}
        name="unit"
        label={t.unit}
        units={d.units}
        truncated={d.unitsTruncated}
        any={t.allUnits}
        noOptionalMark
      />
      <SelectField
        ctx={ctx}
        state={state}
        name="kind"
        label={t.kind}
        noOptionalMark
        options={[
          { value: '', label: t.any },
          ...ASSET_KINDS.map((k) => ({ value: k, label: kindLabel(ctx.t, k) })),
        ]}
      />
      <SelectField
        ctx={ctx}
        state={state}
        name="status"
        label={t.status}
        noOptionalMark
        options={[
          { value: '', label: t.any },
          ...ASSET_STATUSES.map((s) => ({ value: s, label: ctx.t.assetStatus[s] })),
        ]}
      />
      <TextField
        ctx={ctx}
        state={state}
        name="q"
        type="search"
        label={t.search}
        placeholder={t.searchPlaceholder}
        maxlength={200}
        noOptionalMark
      />
      <div class="form-actions">
        <button type="submit" class="btn btn-secondary">
          {t.filter}
        </button>
        {active && <a href="/equipment">{t.clearFilters}</a>}
      </div>
    </form>
  );
}

function Suggestions({ ctx, d }: { ctx: PageCtx; d: RegisterData }) {
  const t = ctx.t.equipment;
  const s = d.suggestions;
  if (!s) return null;
  const cols: Column<AssetSuggestion>[] = [
    {
      header: t.colName,
      class: 'primary wrap',
      cell: (x) => (
        <>
          {x.name}
          {x.serial && <div class="muted small">{`${t.serial}: ${x.serial}`}</div>}
        </>
      ),
    },
    { header: t.colKind, cell: (x) => kindLabel(ctx.t, x.kind) },
    {
      header: t.seenOn,
      class: 'wrap',
      cell: (x) => (
        <>
          {x.hostname}{' '}
          <span class="muted small">{x.connected ? `(${t.connected})` : `(${t.disconnected})`}</span>
        </>
      ),
    },
    {
      header: t.colUnit,
      class: 'wrap',
      cell: (x) => d.units.find((u) => u.code === x.unitCode)?.name ?? x.unitCode,
    },
    { header: t.seenAt, cell: (x) => <DateTime at={new Date(x.lastSeenAt)} lang={ctx.lang} /> },
    {
      header: ctx.t.common.actions,
      cell: (x) => (
        <form method="post" action="/equipment/suggestions" class="inline-form">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="peripheralRef" value={x.peripheralRef} />
          <input type="hidden" name="unitCode" value={x.unitCode} />
          <input type="hidden" name="kind" value={x.kind} />
          <input type="hidden" name="name" value={x.name} />
          {x.serial && <input type="hidden" name="serial" value={x.serial} />}
          <button type="submit" class="btn btn-small">
            {t.confirm}
          </button>
        </form>
      ),
    },
  ];
  return (
    <section aria-labelledby="sugg-h" id="suggestions">
      <h2 id="sugg-h">{t.suggestions}</h2>
      <p class="muted">{t.suggestionsLead}</p>
      {s.error && (
        <Notice kind="error">
          <p>{s.error}</p>
        </Notice>
      )}
      {s.items.length === 0 && !s.cursor ? (
        <EmptyState message={t.noSuggestions} />
      ) : (
        <DataTable
          ctx={ctx}
          columns={cols}
          rows={s.items}
          id="suggestion-list"
          page={{
            base: '/equipment',
            params: registerParams(d.filters),
            param: 'scursor',
            cursor: s.cursor,
            nextCursor: s.nextCursor,
          }}
        />
      )}
    </section>
  );
}

export function RegisterPage({ ctx, d }: { ctx: PageCtx; d: RegisterData }) {
  const { t } = ctx;
  const e = t.equipment;
  const f = d.filters;
  const filtered = !!(f.unit || f.kind || f.status || f.q);
  const cols: Column<AssetView>[] = [
    {
      header: e.colTag,
      class: 'primary',
      cell: (a) => (
        <a class="tag-text" href={equipmentHref(a.id)}>
          {a.assetTag}
        </a>
      ),
    },
    { header: e.colName, class: 'wrap', cell: (a) => a.name },
    { header: e.colKind, cell: (a) => kindLabel(t, a.kind) },
    { header: e.colUnit, class: 'wrap', cell: (a) => a.unitName || a.unitCode },
    { header: e.colStatus, cell: (a) => <AssetStatusBadge t={t} status={a.status} /> },
    { header: e.colWarranty, cell: (a) => <WarrantyCell ctx={ctx} a={a} /> },
  ];
  const actions = (
    <>
      {d.canWrite && (
        <a class="btn" href="/equipment/new">
          {e.add}
        </a>
      )}
      {d.canWrite && (
        <a class="btn btn-secondary" href="/equipment/import">
          {e.import}
        </a>
      )}
      <a class="btn btn-secondary" href={withFilters('/api/v1/assets/export', f, { format: 'csv' })}>
        {e.exportCsv}
      </a>
      <a class="btn btn-secondary" href={withFilters('/api/v1/assets/export', f, { format: 'xlsx' })}>
        {e.exportXlsx}
      </a>
      <a class="btn btn-secondary" href={withFilters('/equipment/labels', f)}>
        {e.printLabels}
      </a>
    </>
  );
  return (
    <Layout ctx={ctx} title={e.title}>
      <EquipmentTabs ctx={ctx} current="register" />
      <PageHead title={e.title} lead={e.lead} actions={actions} />
      {d.notice && (
        <Notice kind="success">
          <p>{d.notice}</p>
        </Notice>
      )}
      <Filters ctx={ctx} d={d} />
      {d.items.length === 0 && !d.cursor ? (
        <EmptyState message={filtered ? e.empty : d.canWrite ? e.emptyRegister : e.emptyReadOnly} />
      ) : (
        <DataTable
          ctx={ctx}
          columns={cols}
          rows={d.items}
          id="assets"
          page={{ base: '/equipment', params: registerParams(f), cursor: d.cursor, nextCursor: d.nextCursor }}
        />
      )}
      <Suggestions ctx={ctx} d={d} />
    </Layout>
  );
}

// ---- one asset --------------------------------------------------------------------------------

export interface AssetPageData {
  asset: AssetDetail;
  /** User id → display name (timeline). */
  people: Map<string, string>;
  /** Unit code → name (timeline entries at other units). */
  unitNames: Map<string, string>;
  deviceHostname?: string;
  canWrite: boolean;
  canReport: boolean;
  notice?: string;
}

function WarrantyNote({ ctx, a }: { ctx: PageCtx; a: AssetView }) {
  const t = ctx.t.equipment;
  if (!a.warrantyUntil || a.warranty === 'unknown') return <p class="muted">{t.warrantyNone}</p>;
  const until = dayText(a.warrantyUntil, ctx);
  if (a.warranty === 'expired') return <p class="warranty-note expired">{t.warrantyOver(until)}</p>;
  const s = a.supplier;
  return (
    <p class="warranty-note" data-testid="warranty">
      {s ? t.inWarranty(until, t.supplierWho(s.name, s.phone, s.email)) : t.inWarrantyNoSupplier(until)}
    </p>
  );
}

function Facts({ ctx, d }: { ctx: PageCtx; d: AssetPageData }) {
  const { t, lang } = ctx;
  const e = t.equipment;
  const a = d.asset;
  const make = [a.manufacturer, a.model].filter(Boolean).join(' · ');
  const row = (label: string, value: unknown) =>
    value === null || value === undefined || value === '' ? null : (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    );
  return (
    <section class="card" aria-labelledby="facts-h">
      <h2 id="facts-h">{e.facts}</h2>
      <dl class="facts">
        {row(e.colTag, <span class="tag-text">{a.assetTag}</span>)}
        {row(e.colKind, kindLabel(t, a.kind))}
        {row(e.colUnit, a.unitName || a.unitCode)}
        {row(e.manufacturerModel, make)}
        {row(e.serial, a.serial && <span class="mono">{a.serial}</span>)}
        {row(e.purchasedOn, a.purchasedOn && dayText(a.purchasedOn, ctx))}
        {row(e.price, a.priceVnd !== null && <span class="money">{formatVnd(a.priceVnd, lang)}</span>)}
        {row(e.funding, a.fundingSource)}
        {row(e.supplier, a.supplier && e.supplierWho(a.supplier.name, a.supplier.phone, a.supplier.email))}
        {row(
          e.device,
          a.deviceId && (
            <a href={`/fleet/devices/${encodeURIComponent(a.deviceId)}`}>
              {d.deviceHostname ?? e.deviceLink}
            </a>
          ),
        )}
        {row(e.notes, a.notes && <span class="pre">{a.notes}</span>)}
      </dl>
    </section>
  );
}

function Timeline({ ctx, d }: { ctx: PageCtx; d: AssetPageData }) {
  const { t, lang } = ctx;
  const e = t.equipment;
  const h = d.asset.history;
  const moved = new Set(h.map((x) => x.unitCode)).size > 1;
  return (
    <section class="card" aria-labelledby="tl-h">
      <h2 id="tl-h">{e.timeline}</h2>
      {h.length === 0 ? (
        <p class="muted">{e.noHistory}</p>
      ) : (
        <ol class="timeline" data-testid="asset-timeline">
          {h.map((x) => {
            const to = labelOf(t.assetStatus, x.to);
            const who = x.by ? (d.people.get(x.by) ?? e.system) : e.system;
            return (
              <li data-status={x.to}>
                <div class="tl-head">
                  <strong>{x.from ? e.changed(labelOf(t.assetStatus, x.from), to) : e.entered(to)}</strong>
                  <span class="muted">{` · ${e.by(who)}`}</span>
                  <span class="tl-time">
                    <DateTime at={new Date(x.at)} lang={lang} />
                  </span>
                </div>
                {moved && <div class="tl-note">{e.atUnit(d.unitNames.get(x.unitCode) ?? x.unitCode)}</div>}
                {x.note && <blockquote>{x.note}</blockquote>}
                {x.ticketId && (
                  <div class="small">
                    <a href={ticketHref(x.ticketId)}>{e.viaTicket}</a>
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

type TicketRow = AssetDetail['tickets'][number];

function Repairs({ ctx, d }: { ctx: PageCtx; d: AssetPageData }) {
  const { t, lang } = ctx;
  const e = t.equipment;
  const cols: Column<TicketRow>[] = [
    {
      header: e.colTicket,
      class: 'primary wrap',
      cell: (x) => (
        <a href={ticketHref(x.id)}>
          <span class="mono">{`#${x.number}`}</span> {x.title}
        </a>
      ),
    },
    {
      header: e.colStatus,
      cell: (x) =>
        x.status in t.ticketStatus ? <TicketStatusBadge t={t} status={x.status as TicketStatus} /> : x.status,
    },
    { header: e.colOpened, cell: (x) => <DateTime at={new Date(x.createdAt)} lang={lang} /> },
    {
      header: e.colCost,
      class: 'num',
      cell: (x) => (x.costEstimateVnd === null ? '—' : formatVnd(x.costEstimateVnd, lang)),
    },
  ];
  return (
    <section aria-labelledby="rep-h">
      <div class="section-head">
        <h2 id="rep-h">{e.repairs}</h2>
        <p>
          <span class="muted">{`${e.repairCost}: `}</span>
          <strong class="money" title={e.repairCostHint} data-testid="repair-cost">
            {formatVnd(d.asset.repairCostVnd, lang)}
          </strong>
        </p>
      </div>
      {d.asset.tickets.length === 0 ? (
        <EmptyState message={e.noRepairs} />
      ) : (
        <DataTable ctx={ctx} columns={cols} rows={d.asset.tickets} id="asset-tickets" />
      )}
    </section>
  );
}

export function AssetPage({ ctx, d }: { ctx: PageCtx; d: AssetPageData }) {
  const { t, lang } = ctx;
  const e = t.equipment;
  const a = d.asset;
  const actions = (
    <>
      {d.canReport && a.status !== 'retired' && (
        <a class="btn" href={reportHref(a.assetTag)}>
          {e.report}
        </a>
      )}
      {d.canWrite && (
        <a class="btn btn-secondary" href={`${equipmentHref(a.id)}/edit`}>
          {e.edit}
        </a>
      )}
      <a class="btn btn-secondary" href={`/equipment/labels?asset=${encodeURIComponent(a.id)}`}>
        {e.label}
      </a>
    </>
  );
  return (
    <Layout ctx={ctx} title={`${a.assetTag} · ${a.name}`}>
      <EquipmentTabs ctx={ctx} current="register" />
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[
              { label: e.title, href: '/equipment' },
              { label: a.unitName || a.unitCode, href: `/equipment?unit=${encodeURIComponent(a.unitCode)}` },
              { label: a.assetTag },
            ]}
          />
        }
        title={a.name}
        actions={actions}
      />
      <div class="asset-head">
        <span class="tag-text">{a.assetTag}</span>
        <span>{kindLabel(t, a.kind)}</span>
        <span data-testid="asset-status">
          <AssetStatusBadge t={t} status={a.status} />
        </span>
        <span class="muted small">{e.statusSince(formatDateTime(new Date(a.statusSince), lang))}</span>
      </div>
      {d.notice && (
        <Notice kind="success">
          <p>{d.notice}</p>
        </Notice>
      )}
      <WarrantyNote ctx={ctx} a={a} />
      <div class="ticket-layout">
        <div class="ticket-main">
          <Facts ctx={ctx} d={d} />
          <Repairs ctx={ctx} d={d} />
        </div>
        <div class="ticket-side">
          <Timeline ctx={ctx} d={d} />
        </div>
      </div>
    </Layout>
  );
}

// ---- the add / edit form ------------------------------------------------------------------------

export const ASSET_FORM_FIELDS = [
  'unitCode',
  'kind',
  'name',
  'assetTag',
  'manufacturer',
  'model',
  'serial',
  'purchasedOn',
  'priceVnd',
  'fundingSource',
  'warrantyUntil',
  'supplierId',
  'status',
  'statusNote',
  'notes',
] as const;

export interface AssetFormData {
  /** Absent: a new asset. */
  asset?: AssetView;
  state: FieldState;
  message?: string;
  units: PickUnit[];
  unitsTruncated: boolean;
  suppliers: SupplierView[];
}

export function AssetFormPage({ ctx, d }: { ctx: PageCtx; d: AssetFormData }) {
  const { t } = ctx;
  const e = t.equipment;
  const { state } = d;
  const edit = d.asset;
  const title = edit ? e.editTitle(edit.name) : e.createTitle;
  const action = edit ? `${equipmentHref(edit.id)}/edit` : '/equipment/new';
  const back = edit ? equipmentHref(edit.id) : '/equipment';
  return (
    <Layout ctx={ctx} title={title}>
      <EquipmentTabs ctx={ctx} current="register" />
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[
              { label: e.title, href: '/equipment' },
              ...(edit ? [{ label: edit.assetTag, href: back }] : []),
              { label: edit ? e.edit : e.createTitle },
            ]}
          />
        }
        title={title}
        lead={edit ? e.editLead : e.createLead}
      />
      <div class="card">
        <form method="post" action={action} class="stack" novalidate data-testid="asset-form">
          <CsrfField ctx={ctx} />
          <FormSummary ctx={ctx} message={d.message} />
          <UnitPicker
            ctx={ctx}
            state={state}
            name="unitCode"
            label={e.fUnit}
            hint={d.unitsTruncated ? e.fUnitHint : undefined}
            units={d.units}
            truncated={d.unitsTruncated}
            any={edit ? undefined : e.chooseUnit}
            required
          />
          <div class="row">
            <SelectField
              ctx={ctx}
              state={state}
              name="kind"
              label={e.fKind}
              required
              options={[
                ...(edit ? [] : [{ value: '', label: e.chooseKind }]),
                ...ASSET_KINDS.map((k) => ({ value: k, label: kindLabel(t, k) })),
              ]}
            />
            <SelectField
              ctx={ctx}
              state={state}
              name="status"
              label={e.fStatus}
              required
              options={ASSET_STATUSES.map((s) => ({ value: s, label: t.assetStatus[s] }))}
            />
          </div>
          {edit && (
            <TextAreaField
              ctx={ctx}
              state={state}
              name="statusNote"
              label={e.fStatusNote}
              hint={e.fStatusNoteHint}
              rows={2}
              maxlength={2000}
            />
          )}
          <TextField
            ctx={ctx}
            state={state}
            name="name"
            label={e.fName}
            hint={e.fNameHint}
            required
            maxlength={200}
            autofocus={!edit && !state.values.name}
          />
          <TextField
            ctx={ctx}
            state={state}
            name="assetTag"
            label={e.fTag}
            hint={edit ? e.fTagEditHint : e.fTagHint}
            maxlength={40}
            spellcheck={false}
            required={!!edit}
          />
          <div class="row">
            <TextField ctx={ctx} state={state} name="manufacturer" label={e.fManufacturer} maxlength={200} />
            <TextField ctx={ctx} state={state} name="model" label={e.fModel} maxlength={200} />
          </div>
          <TextField
            ctx={ctx}
            state={state}
            name="serial"
            label={e.fSerial}
            maxlength={200}
            spellcheck={false}
          />
          <div class="row">
            <TextField ctx={ctx} state={state} name="purchasedOn" type="date" label={e.fPurchasedOn} />
            <TextField
              ctx={ctx}
              state={state}
              name="priceVnd"
              label={e.fPrice}
              hint={e.fPriceHint}
              inputmode="decimal"
              maxlength={40}
            />
          </div>
          <TextField
            ctx={ctx}
            state={state}
            name="fundingSource"
            label={e.fFunding}
            hint={e.fFundingHint}
            maxlength={200}
          />
          <div class="row">
            <TextField ctx={ctx} state={state} name="warrantyUntil" type="date" label={e.fWarranty} />
            <SelectField
              ctx={ctx}
              state={state}
              name="supplierId"
              label={e.fSupplier}
              hint={e.fSupplierHint}
              options={[
                { value: '', label: e.noSupplier },
                ...d.suppliers.map((s) => ({ value: s.id, label: s.name })),
              ]}
            />
          </div>
          <TextAreaField ctx={ctx} state={state} name="notes" label={e.fNotes} rows={3} maxlength={5000} />
          <div class="form-actions">
            <button type="submit" class="btn">
              {edit ? e.submitSave : e.submitCreate}
            </button>
            <a href={back}>{t.common.cancel}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}
