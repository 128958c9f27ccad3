/**
 * Pieces the equipment pages share: the section's tabs and stylesheet, the condition badge, warranty
 * in words, a unit picker (a list of names when the scope is small enough to list, else the
 * datalist-backed code field), and the compliance bar (SVG attributes only: the CSP forbids styles).
 */
import type { AssetStatus } from '../../../shared/enums.js';
import type { AssetView, Requirement } from '../../../shared/schemas/assets.js';
import { EQUIPMENT_ASSET_URLS } from '../assets/equipment.js';
import { formatDate, formatNumber } from '../format.js';
import { type Dict, labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';
import { Badge, type Tone } from './badge.js';
import { type FieldState, SelectField, UnitCodeField } from './form.js';
import { Tabs } from './layout.js';

export const equipmentHref = (id: string) => `/equipment/${encodeURIComponent(id)}`;
export const reportHref = (tag: string) => `/r/${encodeURIComponent(tag)}`;
export const complianceHref = (unit?: string, at?: string) => {
  const q = new URLSearchParams();
  if (unit) q.set('unit', unit);
  if (at) q.set('at', at);
  const s = q.toString();
  return s ? `/compliance?${s}` : '/compliance';
};

/** The equipment pages' stylesheet (a `<link>` in the body is valid HTML and allowed by the CSP). */
export function EquipmentStyles() {
  return <link rel="stylesheet" href={EQUIPMENT_ASSET_URLS.css} />;
}

export type EquipmentTab = 'register' | 'compliance' | 'standard' | 'suppliers';

export function EquipmentTabs({ ctx, current }: { ctx: PageCtx; current: EquipmentTab }) {
  const t = ctx.t.equipment;
  return (
    <>
      <EquipmentStyles />
      <Tabs
        label={t.tabsLabel}
        current={current}
        tabs={[
          { id: 'register', href: '/equipment', label: t.tabRegister },
          { id: 'compliance', href: '/compliance', label: t.tabCompliance },
          { id: 'standard', href: '/equipment/standard', label: t.tabStandard },
          { id: 'suppliers', href: '/equipment/suppliers', label: t.tabSuppliers },
        ]}
      />
    </>
  );
}

const STATUS_TONE: Record<AssetStatus, Tone> = {
  in_use: 'ok',
  broken: 'danger',
  under_repair: 'warn',
  spare: 'info',
  retired: 'neutral',
};

export function AssetStatusBadge({ t, status }: { t: Dict; status: string }) {
  return (
    <Badge tone={STATUS_TONE[status as AssetStatus] ?? 'neutral'} label={labelOf(t.assetStatus, status)} />
  );
}

export const kindLabel = (t: Dict, kind: string) => labelOf(t.assetKind, kind);

/** A calendar date `YYYY-MM-DD` as people read it (it is a day, not a moment: no time zone shift). */
export function dayText(day: string, ctx: PageCtx): string {
  return formatDate(new Date(`${day}T12:00:00+07:00`), ctx.lang);
}

/** The warranty cell of a list: "còn đến 31/12/2026", "hết từ …", or a dash. */
export function WarrantyCell({ ctx, a }: { ctx: PageCtx; a: Pick<AssetView, 'warranty' | 'warrantyUntil'> }) {
  const t = ctx.t.equipment;
  if (!a.warrantyUntil || a.warranty === 'unknown') return <span class="muted">—</span>;
  return a.warranty === 'in_warranty' ? (
    <span class="nowrap">{t.warrantyUntil(dayText(a.warrantyUntil, ctx))}</span>
  ) : (
    <span class="muted nowrap">{t.warrantyEnded(dayText(a.warrantyUntil, ctx))}</span>
  );
}

export interface PickUnit {
  id: string;
  code: string;
  name: string;
  path: string;
}

/** Scope roots first, then by name in Vietnamese order (a select of codes helps nobody). */
export function sortUnits<U extends PickUnit>(units: readonly U[]): U[] {
  const depth = (u: PickUnit) => u.path.split('/').filter(Boolean).length;
  return [...units].sort((a, b) => depth(a) - depth(b) || a.name.localeCompare(b.name, 'vi'));
}

/** Above this many units the picker is the type-to-search code field (a datalist of names). */
export const PICKER_MAX = 300;

/**
 * A unit field in a form: a `<select>` of unit names when the list is complete, else the code field
 * with the names as suggestions. `any` adds a first, empty choice (a filter's "all units").
 */
export function UnitPicker(props: {
  ctx: PageCtx;
  state: FieldState;
  name: string;
  label: string;
  hint?: string;
  units: PickUnit[];
  /** The list was cut at PICKER_MAX: fall back to typing a code. */
  truncated: boolean;
  any?: string;
  required?: boolean;
  noOptionalMark?: boolean;
}) {
  const { units, truncated, any, ...field } = props;
  if (truncated) return <UnitCodeField {...field} units={units} />;
  const options = sortUnits(units).map((u) => ({ value: u.code, label: u.name }));
  return (
    <SelectField {...field} options={any !== undefined ? [{ value: '', label: any }, ...options] : options} />
  );
}

/** A horizontal bar: the met share green, the rest red; the figures are in the text beside it. */
export function Meter({ met, total, label }: { met: number; total: number; label: string }) {
  const w = 200;
  const share = total > 0 ? Math.round((met / total) * w) : 0;
  return (
    <svg class="meter" viewBox={`0 0 ${w} 10`} preserveAspectRatio="none" role="img" aria-label={label}>
      <title>{label}</title>
      <rect x="0" y="0" width={w} height="10" rx="2" fill={total > 0 ? '#f3a5a5' : '#d5dbe3'} />
      {share > 0 && <rect x="0" y="0" width={share} height="10" rx="2" fill="#05603a" />}
    </svg>
  );
}

/** "chưa có máy photocopy", "chưa đủ máy quét (1 cho mỗi cán bộ số hóa)": the survey's own words. */
export function lackingText(ctx: PageCtx, r: Requirement): string {
  const c = ctx.t.compliance;
  const n = (v: number) => formatNumber(v, ctx.lang);
  if (r.form === 'count') return c.lackCount(labelOf(ctx.t.assetKindNoun, r.kind), n(r.min));
  if (r.form === 'ratio')
    return c.lackRatio(labelOf(ctx.t.assetKindNoun, r.kind), n(r.ratio), labelOf(c.perNoun, r.per));
  if (r.attribute === 'areaM2') return c.lackArea(n(r.min));
  return c.lackAttribute(labelOf(c.attributeNoun, r.attribute), n(r.min));
}

/** A requirement's threshold in words, as a table cell: "Ít nhất 1 máy photocopy đang dùng". */
export function thresholdText(ctx: PageCtx, r: Requirement): string {
  const s = ctx.t.standard;
  const c = ctx.t.compliance;
  const n = (v: number) => formatNumber(v, ctx.lang);
  const text =
    r.form === 'count'
      ? s.thresholdCount(n(r.min), labelOf(ctx.t.assetKindNoun, r.kind))
      : r.form === 'ratio'
        ? s.thresholdRatio(n(r.ratio), labelOf(ctx.t.assetKindNoun, r.kind), labelOf(c.perNoun, r.per))
        : s.thresholdAttribute(labelOf(c.attributeNoun, r.attribute), n(r.min));
  return text.charAt(0).toLocaleUpperCase(ctx.lang) + text.slice(1);
}
