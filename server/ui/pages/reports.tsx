/**
 * The SLA report page: period and unit pickers (a GET form), one table per group with every figure
 * linked to its definition (a footnote, and the same text as the header's tooltip), the total row,
 * and the CSV download of the very same query.
 */

import {
  daysInclusive,
  type GroupStats,
  onTimePct,
  type Rate,
  type Spread,
} from '../../domain/sla-report.js';
import { SLA_REPORT_FIGURES, type SlaReportFigure } from '../../domain/sla-report-definitions.js';
import type { SlaReport } from '../../services/sla-report.js';
import { EmptyState } from '../components/flash.js';
import { type FieldState, FormSummary, SelectField, TextField, UnitCodeField } from '../components/form.js';
import { Layout, PageHead } from '../components/layout.js';
import { formatDate, formatDateTime, formatDuration, formatNumber, formatVnd } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

export const PERIOD_CHOICES = ['this_month', 'last_month', 'this_quarter', 'last_quarter', 'custom'] as const;

/** Footnote numbers, in the order the columns read. */
const NOTES: readonly SlaReportFigure[] = SLA_REPORT_FIGURES;

function Head({ ctx, label, def }: { ctx: PageCtx; label: string; def: SlaReportFigure }) {
  const n = NOTES.indexOf(def) + 1;
  return (
    <th scope="col" class="num" title={ctx.t.reports.defs[def]}>
      {label}{' '}
      <a href={`#def-${def}`} aria-label={`${ctx.t.reports.seeDefinition} ${n}`}>
        <sup>{n}</sup>
      </a>
    </th>
  );
}

/** Floor to one decimal: 99.96 % never reads as 100 % while a ticket was late. */
function pctText(ctx: PageCtx, r: Rate) {
  const p = onTimePct(r);
  const excluded = r.excluded > 0 ? <div class="small muted">{ctx.t.reports.excluded(r.excluded)}</div> : '';
  if (p === null)
    return (
      <>
        <span class="muted">{ctx.t.reports.noDecided}</span>
        {excluded}
      </>
    );
  return (
    <>
      {ctx.t.reports.rate(formatNumber(Math.floor(p * 10) / 10, ctx.lang), r.met, r.met + r.breached)}
      {excluded}
    </>
  );
}

function spreadText(ctx: PageCtx, s: Spread) {
  const { t, lang } = ctx;
  if (s.n === 0 || s.median === null || s.p90 === null) return <span class="muted">{t.reports.none}</span>;
  const h = (m: number) => t.reports.hours(formatNumber(Math.round(m / 6) / 10, lang));
  return t.reports.spread(h(s.median), h(s.p90), s.n);
}

function Cells({ ctx, g, ageAt }: { ctx: PageCtx; g: GroupStats; ageAt: number }) {
  const { t, lang } = ctx;
  const label = (h: string) => ({ 'data-label': h });
  return (
    <>
      <td class="num" {...label(t.reports.colOpened)}>
        {formatNumber(g.opened, lang)}
      </td>
      <td class="num" {...label(t.reports.colResolved)}>
        {formatNumber(g.resolved, lang)}
      </td>
      <td class="num" {...label(t.reports.colRespond)}>
        {pctText(ctx, g.respond)}
      </td>
      <td class="num" {...label(t.reports.colResolve)}>
        {pctText(ctx, g.resolve)}
      </td>
      <td class="num" {...label(t.reports.colWall)}>
        {spreadText(ctx, g.wallMinutes)}
      </td>
      <td class="num" {...label(t.reports.colWork)}>
        {spreadText(ctx, g.workMinutes)}
      </td>
      <td class="num" {...label(t.reports.colBacklog)}>
        {g.oldestBacklogAt === null
          ? formatNumber(g.backlog, lang)
          : t.reports.backlog(formatNumber(g.backlog, lang), formatDuration(ageAt - g.oldestBacklogAt, lang))}
      </td>
      <td class="num" {...label(t.reports.colCost)}>
        {t.reports.cost(formatVnd(g.approvedCostVnd, lang), g.approvedCount)}
      </td>
    </>
  );
}

export function ReportsPage(props: {
  ctx: PageCtx;
  state: FieldState;
  units: { code: string; name: string }[];
  report?: SlaReport;
  csvHref?: string;
  message?: string;
}) {
  const { ctx, state, report } = props;
  const { t, lang } = ctx;
  const ageAt = report ? Math.min(Date.parse(report.periodEnd), Date.parse(report.generatedAt)) : 0;
  const groupLabel = (g: SlaReport['groups'][number]) =>
    report?.by === 'category' ? labelOf(t.category, g.label) : g.name ? `${g.name} (${g.label})` : g.label;
  return (
    <Layout ctx={ctx} title={t.reports.title}>
      <PageHead
        title={t.reports.title}
        lead={t.reports.lead}
        actions={
          props.csvHref && (
            <a class="btn btn-secondary" href={props.csvHref} download>
              {t.reports.csv}
            </a>
          )
        }
      />
      <form method="get" action="/reports" class="filters card" aria-label={t.reports.filters}>
        <FormSummary ctx={ctx} message={props.message} />
        <SelectField
          ctx={ctx}
          name="period"
          required
          label={t.reports.period}
          state={state}
          options={PERIOD_CHOICES.map((p) => ({ value: p, label: t.reports.presets[p] }))}
        />
        <TextField ctx={ctx} state={state} type="date" name="from" label={t.reports.from} noOptionalMark />
        <TextField ctx={ctx} state={state} type="date" name="to" label={t.reports.to} noOptionalMark />
        <UnitCodeField
          ctx={ctx}
          name="unit"
          label={t.reports.unit}
          hint={t.reports.unitHint}
          state={state}
          units={props.units}
        />
        <SelectField
          ctx={ctx}
          name="by"
          required
          label={t.reports.by}
          state={state}
          options={[
            { value: 'unit', label: t.reports.byUnit },
            { value: 'category', label: t.reports.byCategory },
          ]}
        />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary">
            {t.reports.show}
          </button>
        </div>
      </form>

      {report && (
        <section aria-labelledby="report-summary">
          <p id="report-summary">
            <strong>
              {t.reports.summary(
                formatDate(new Date(report.periodStart), lang),
                formatDate(new Date(Date.parse(report.periodEnd) - 1), lang),
                daysInclusive(report.from, report.to),
              )}
            </strong>{' '}
            <a href="#def-period">
              <sup>{NOTES.indexOf('period') + 1}</sup>
            </a>
            {' · '}
            {report.unit ? t.reports.scopeUnit(report.unit.name, report.unit.code) : t.reports.scopeAll}
            {' · '}
            <span class="muted">
              {t.reports.generated(formatDateTime(new Date(report.generatedAt), lang))}
            </span>
          </p>
          {Date.parse(report.generatedAt) < Date.parse(report.periodEnd) && (
            <p class="hint">{t.reports.notEnded}</p>
          )}
          {report.groups.length === 0 ? (
            <EmptyState message={t.reports.empty} />
          ) : (
            <div class="table-wrap" id="report">
              <table class="data stack">
                <thead>
                  <tr>
                    <th scope="col">
                      {report.by === 'category' ? t.reports.colCategory : t.reports.colUnit}
                    </th>
                    <Head ctx={ctx} label={t.reports.colOpened} def="opened" />
                    <Head ctx={ctx} label={t.reports.colResolved} def="resolved" />
                    <Head ctx={ctx} label={t.reports.colRespond} def="respondOnTime" />
                    <Head ctx={ctx} label={t.reports.colResolve} def="resolveOnTime" />
                    <Head ctx={ctx} label={t.reports.colWall} def="wallTime" />
                    <Head ctx={ctx} label={t.reports.colWork} def="workTime" />
                    <Head ctx={ctx} label={t.reports.colBacklog} def="backlog" />
                    <Head ctx={ctx} label={t.reports.colCost} def="approvedCost" />
                  </tr>
                </thead>
                <tbody>
                  {report.groups.map((g) => (
                    <tr>
                      <td class="primary wrap">{groupLabel(g)}</td>
                      <Cells ctx={ctx} g={g} ageAt={ageAt} />
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" class="primary">
                      {t.reports.total}
                    </th>
                    <Cells ctx={ctx} g={report.total} ageAt={ageAt} />
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
          <h2>{t.reports.definitions}</h2>
          <ol class="small">
            {NOTES.map((k) => (
              <li id={`def-${k}`}>{t.reports.defs[k]}</li>
            ))}
          </ol>
        </section>
      )}
    </Layout>
  );
}
