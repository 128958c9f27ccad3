/**
 * /reports — the SLA report page. The period comes from a preset (this/last month or quarter, in
 * Vietnam days) or from custom from/to days; the query is validated with the API's own schema and
 * computed by the API's own service (`slaReport`), so the page, the JSON and the CSV agree.
 */
import { Hono } from 'hono';
import { zSlaReportQuery } from '../../../shared/schemas/reports.js';
import { grantsFor } from '../../domain/scope.js';
import { presetPeriod } from '../../domain/sla-report.js';
import { fail } from '../../http/problem.js';
import { type SlaReport, slaReport } from '../../services/sla-report.js';
import { pickableUnits } from '../../services/unit-directory.js';
import type { FieldState } from '../components/form.js';
import { formFailure, validateForm } from '../forms.js';
import { pageCtx, signedIn } from '../page-context.js';
import { PERIOD_CHOICES, ReportsPage } from '../pages/reports.js';
import { render } from '../render.js';
import type { UiEnv } from '../ui-env.js';

type Choice = (typeof PERIOD_CHOICES)[number];

export const reportPages = new Hono<UiEnv>().get('/reports', async (c) => {
  const p = signedIn(c);
  if (grantsFor(p.grants, 'report.read').length === 0) throw fail.forbidden();
  const deps = c.get('deps');
  const [ctx, units] = await Promise.all([pageCtx(c), pickableUnits(deps.store.read, p)]);
  const { t, lang } = ctx;
  const raw = (k: string) => c.req.query(k)?.trim() || undefined;
  const asked = raw('period');
  // Custom when asked for, or when days were given without a preset (a bookmarked from/to link).
  const period: Choice = PERIOD_CHOICES.includes(asked as Choice)
    ? (asked as Choice)
    : raw('from') || raw('to')
      ? 'custom'
      : 'this_month';
  const days =
    period === 'custom' ? { from: raw('from'), to: raw('to') } : presetPeriod(period, ctx.now.getTime());
  const values = { period, from: days.from, to: days.to, unit: raw('unit'), by: raw('by') ?? 'unit' };
  const state: FieldState = { values, errors: {} };
  let report: SlaReport | undefined;
  let message: string | undefined;
  let status: 200 | 403 | 404 | 422 = 200;
  try {
    const q = validateForm(zSlaReportQuery, { ...values, format: undefined }, t, lang);
    report = await slaReport(deps, p, q);
  } catch (e) {
    const f = formFailure(e, t, lang, { inputCodes: ['not_found', 'forbidden'], field: 'unit' });
    if (!f) throw e;
    state.errors = f.fields;
    message = f.message;
    status = f.status === 404 || f.status === 403 || f.status === 422 ? f.status : 422;
  }
  const csvHref = report
    ? `/api/v1/reports/sla?${new URLSearchParams({
        from: report.from,
        to: report.to,
        ...(report.unit ? { unit: report.unit.code } : {}),
        by: report.by,
        format: 'csv',
        lang,
      }).toString()}`
    : undefined;
  return render(
    c,
    <ReportsPage
      ctx={ctx}
      state={state}
      units={units.map((u) => ({ code: u.code, name: u.name }))}
      report={report}
      csvHref={csvHref}
      message={message}
    />,
    status,
  );
});
