/**
 * Printable QR labels: A4 sheets of 3 × 8 labels (tag, name, unit, and a QR code of the absolute
 * `<origin>/r/<tag>` a phone opens to report a fault). On screen the sheet flows to the window; in
 * print (`@page A4`) it is the fixed grid, one sheet per page, without header, tabs or buttons.
 */
import type { AssetView } from '../../../shared/schemas/assets.js';
import { EQUIPMENT_ASSET_URLS } from '../assets/equipment.js';
import { EquipmentTabs } from '../components/equipment.js';
import { EmptyState, Notice } from '../components/flash.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import { QrCode } from '../components/qr.js';
import { formatNumber } from '../format.js';
import type { PageCtx } from '../page-context.js';

export const LABELS_PER_SHEET = 24;

export function reportUrl(origin: string, tag: string): string {
  return `${origin}/r/${encodeURIComponent(tag)}`;
}

export function LabelsPage(props: {
  ctx: PageCtx;
  origin: string;
  scopeName: string;
  items: AssetView[];
  /** More assets matched than one print run holds. */
  more: boolean;
  back: string;
}) {
  const { ctx, items } = props;
  const { lang } = ctx;
  const e = ctx.t.equipment;
  const sheets: AssetView[][] = [];
  for (let i = 0; i < items.length; i += LABELS_PER_SHEET) sheets.push(items.slice(i, i + LABELS_PER_SHEET));
  return (
    <Layout ctx={ctx} title={e.labelsTitle}>
      <EquipmentTabs ctx={ctx} current="register" />
      <div class="labels-head">
        <PageHead
          crumbs={
            <Breadcrumbs ctx={ctx} items={[{ label: e.title, href: props.back }, { label: e.labelsTitle }]} />
          }
          title={e.labelsOf(props.scopeName)}
          lead={e.labelsLead}
          actions={
            items.length > 0 && (
              <>
                <p class="muted">
                  {e.labelsCount(formatNumber(items.length, lang), formatNumber(sheets.length, lang))}
                </p>
                <button type="button" class="btn" data-print="" hidden>
                  {e.labelsPrint}
                </button>
              </>
            )
          }
        />
        {props.more && (
          <Notice kind="info">
            <p>{e.labelsMore(formatNumber(items.length, lang))}</p>
          </Notice>
        )}
      </div>
      {items.length === 0 ? (
        <EmptyState message={e.noLabels} />
      ) : (
        sheets.map((sheet) => (
          <div class="label-sheet">
            {sheet.map((a) => (
              <div class="qr-label" data-tag={a.assetTag}>
                <QrCode text={reportUrl(props.origin, a.assetTag)} label={e.qrLabel(a.assetTag)} />
                <div class="qr-text">
                  <span class="tag-text">{a.assetTag}</span>
                  <span class="qr-name">{a.name}</span>
                  <span class="qr-unit">{a.unitName || a.unitCode}</span>
                  <span class="qr-scan">{e.labelScan}</span>
                </div>
              </div>
            ))}
          </div>
        ))
      )}
      <script src={EQUIPMENT_ASSET_URLS.js} defer></script>
    </Layout>
  );
}
