/**
 * Compliance with the equipment standard over a unit subtree (default: the caller's widest unit):
 * per requirement "<met>/<total> đơn vị đạt" and the survey's own "<failing>/<total> đơn vị chưa …"
 * with a bar, the failing units (each a link to its checklist), equipment out of service by kind and
 * how long the oldest has waited; at a past date from the register's history. For one counter unit,
 * its checklist (đạt / chưa đạt / thiếu số liệu, có / cần).
 */
import type { ComplianceRequirement, ComplianceView, Requirement } from '../../../shared/schemas/assets.js';
import { Badge } from '../components/badge.js';
import {
  complianceHref,
  dayText,
  EquipmentTabs,
  kindLabel,
  lackingText,
  Meter,
  type PickUnit,
  UnitPicker,
} from '../components/equipment.js';
import { EmptyState } from '../components/flash.js';
import { type FieldState, TextField } from '../components/form.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { formatDateTime, formatDuration, formatNumber } from '../format.js';
import type { PageCtx } from '../page-context.js';

/** Failing units listed per requirement; the rest are in the export. */
export const FAILING_SHOWN = 200;

export interface CompliancePageData {
  view: ComplianceView;
  /** The standard's requirements in force at `view.at`, by id (for the sentence of each). */
  requirements: Map<string, Requirement>;
  units: PickUnit[];
  unitsTruncated: boolean;
  /** The `at` date as picked (`YYYY-MM-DD`), if any. */
  atDate?: string;
  /** The page was asked for a unit (not the caller's default). */
  drilled: boolean;
}

function exportHref(format: 'csv' | 'xlsx', unit: string, atIso?: string): string {
  const q = new URLSearchParams({ format, unit });
  if (atIso) q.set('at', atIso);
  return `/api/v1/compliance/export?${q.toString()}`;
}

function RequirementCard({ ctx, d, r }: { ctx: PageCtx; d: CompliancePageData; r: ComplianceRequirement }) {
  const { lang } = ctx;
  const c = ctx.t.compliance;
  const n = (v: number) => formatNumber(v, lang);
  const def = d.requirements.get(r.id);
  const failing = r.failing.length;
  const missing = r.failing.filter((f) => f.reason === 'missing_data').length;
  const title = r.title[lang] || r.title.vi;
  return (
    <article class="card" data-requirement={r.id} aria-labelledby={`req-${r.id}`}>
      <h3 id={`req-${r.id}`}>{title}</h3>
      <p class="req-figure">{c.metUnits(n(r.metUnits), n(r.totalUnits))}</p>
      <Meter met={r.metUnits} total={r.totalUnits} label={c.metUnits(n(r.metUnits), n(r.totalUnits))} />
      {failing > 0 ? (
        <p class="req-lacking" data-testid="lacking">
          {c.failingOf(n(failing), n(r.totalUnits), def ? lackingText(ctx, def) : title)}
          {missing > 0 && <span class="muted small">{` (${c.missingCount(n(missing))})`}</span>}
        </p>
      ) : (
        <p class="muted">{c.allMet}</p>
      )}
      {r.legalBasis && <p class="legal">{`${c.legalBasis}: ${r.legalBasis}`}</p>}
      {failing > 0 && (
        <details open={failing <= 5 || undefined}>
          <summary>{c.failingUnits(n(failing))}</summary>
          <ul class="plain">
            {r.failing.slice(0, FAILING_SHOWN).map((f) => (
              <li>
                <a href={complianceHref(f.unitCode, d.atDate)}>{f.unitName}</a>
                <span class="muted small">
                  {f.reason === 'missing_data'
                    ? c.missingData
                    : c.haveNeed(n(f.have ?? 0), f.need === null ? '?' : n(f.need))}
                </span>
              </li>
            ))}
          </ul>
          {failing > FAILING_SHOWN && <p class="muted small">{c.failingMore(n(failing - FAILING_SHOWN))}</p>}
        </details>
      )}
    </article>
  );
}

type ChecklistRow = NonNullable<ComplianceView['checklist']>[number];

function Checklist({ ctx, d }: { ctx: PageCtx; d: CompliancePageData }) {
  const { lang } = ctx;
  const c = ctx.t.compliance;
  const titles = new Map(d.view.requirements.map((r) => [r.id, r.title[lang] || r.title.vi]));
  const n = (v: number | null) => (v === null ? '—' : formatNumber(v, lang));
  const cols: Column<ChecklistRow>[] = [
    { header: c.colRequirement, class: 'primary wrap', cell: (x) => titles.get(x.id) ?? x.id },
    {
      header: c.colResult,
      cell: (x) =>
        x.met ? (
          <Badge tone="ok" label={c.met} />
        ) : x.reason === 'missing_data' ? (
          <Badge tone="warn" label={c.noData} title={c.noDataHint} />
        ) : (
          <Badge tone="danger" label={c.notMet} />
        ),
    },
    { header: c.colHave, class: 'num', cell: (x) => n(x.have) },
    { header: c.colNeed, class: 'num', cell: (x) => n(x.need) },
  ];
  return (
    <section aria-labelledby="check-h">
      <h2 id="check-h">{c.checklistTitle}</h2>
      <DataTable ctx={ctx} columns={cols} rows={d.view.checklist ?? []} id="checklist" />
      {(d.view.checklist ?? []).some((x) => x.reason === 'missing_data') && (
        <p class="muted small">{c.noDataHint}</p>
      )}
    </section>
  );
}

type BrokenRow = ComplianceView['broken'][number];

function Broken({ ctx, d }: { ctx: PageCtx; d: CompliancePageData }) {
  const { lang } = ctx;
  const c = ctx.t.compliance;
  const cols: Column<BrokenRow>[] = [
    { header: c.colKind, class: 'primary', cell: (b) => kindLabel(ctx.t, b.kind) },
    { header: c.colCount, class: 'num', cell: (b) => formatNumber(b.count, lang) },
    {
      header: c.colLongest,
      cell: (b) =>
        c.longest(
          formatDuration(Date.parse(d.view.at) - Date.parse(b.brokenSince), lang),
          formatDateTime(new Date(b.brokenSince), lang),
        ),
    },
  ];
  return (
    <section aria-labelledby="broken-h">
      <h2 id="broken-h">{c.broken}</h2>
      <p class="muted">{c.brokenLead}</p>
      {d.view.broken.length === 0 ? (
        <EmptyState message={c.noBroken} />
      ) : (
        <DataTable ctx={ctx} columns={cols} rows={d.view.broken} id="broken" />
      )}
    </section>
  );
}

export function CompliancePage({ ctx, d }: { ctx: PageCtx; d: CompliancePageData }) {
  const { lang } = ctx;
  const c = ctx.t.compliance;
  const v = d.view;
  const n = (x: number) => formatNumber(x, lang);
  const atIso = d.atDate ? v.at : undefined;
  const state: FieldState = { values: { unit: v.unitCode, at: d.atDate }, errors: {} };
  const title = `${c.title} · ${v.unitName}`;
  return (
    <Layout ctx={ctx} title={title}>
      <EquipmentTabs ctx={ctx} current="compliance" />
      <PageHead
        crumbs={
          d.drilled && (
            <Breadcrumbs
              ctx={ctx}
              items={[
                { label: c.backToScope, href: complianceHref(undefined, d.atDate) },
                { label: v.unitName },
              ]}
            />
          )
        }
        title={c.title}
        lead={c.lead}
        actions={
          <>
            <a class="btn btn-secondary" href={exportHref('csv', v.unitCode, atIso)}>
              {c.exportCsv}
            </a>
            <a class="btn btn-secondary" href={exportHref('xlsx', v.unitCode, atIso)}>
              {c.exportXlsx}
            </a>
          </>
        }
      />
      <form method="get" action="/compliance" class="filters card" aria-label={c.filters}>
        <UnitPicker
          ctx={ctx}
          state={state}
          name="unit"
          label={c.unit}
          units={d.units}
          truncated={d.unitsTruncated}
          noOptionalMark
        />
        <TextField
          ctx={ctx}
          state={state}
          name="at"
          type="date"
          label={c.at}
          hint={c.atHint}
          noOptionalMark
        />
        <div class="form-actions">
          <button type="submit" class="btn btn-secondary">
            {c.show}
          </button>
        </div>
      </form>
      <h2 data-testid="compliance-scope">{v.unitName}</h2>
      <p class="muted" data-testid="compliance-asof">
        {c.asOf(d.atDate ? dayText(d.atDate, ctx) : formatDateTime(new Date(v.at), lang), v.standardVersion)}
      </p>
      {v.units === 0 ? (
        <EmptyState message={c.noUnits} />
      ) : v.checklist ? (
        <>
          <p>
            <a href={`/equipment?unit=${encodeURIComponent(v.unitCode)}`}>{c.unitRegister}</a>
          </p>
          <Checklist ctx={ctx} d={d} />
        </>
      ) : (
        <>
          <p class="req-figure" data-testid="fully">
            {c.fully(n(v.fullyCompliantUnits), n(v.units))}
          </p>
          <div class="req-list" data-testid="requirements">
            {v.requirements.map((r) => (
              <RequirementCard ctx={ctx} d={d} r={r} />
            ))}
          </div>
        </>
      )}
      <Broken ctx={ctx} d={d} />
    </Layout>
  );
}
