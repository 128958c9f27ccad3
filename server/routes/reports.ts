/** Reports: `GET /reports/sla` — the SLA report as JSON, or CSV (`Accept: text/csv` or `?format=csv`). */
import { Hono } from 'hono';
import { zSlaReportQuery } from '../../shared/schemas/reports.js';
import { SLA_REPORT_DEFINITIONS } from '../domain/sla-report-definitions.js';
import { type AppEnv, requireUser } from '../http/context.js';
import { langOf } from '../http/problem.js';
import { queryOf } from '../http/validate.js';
import { type SlaReport, slaReport } from '../services/sla-report.js';
import { slaReportCsv, slaReportFilename } from '../services/sla-report-csv.js';

export const reportRoutes = new Hono<AppEnv>().get('/sla', async (c) => {
  const p = requireUser(c);
  const q = queryOf(c, zSlaReportQuery);
  const report = await slaReport(c.get('deps'), p, q);
  const csv = q.format === 'csv' || (q.format === undefined && wantsCsv(c.req.header('accept')));
  c.header('vary', 'Accept');
  if (csv) {
    c.header('content-type', 'text/csv; charset=utf-8');
    c.header('content-disposition', `attachment; filename="${slaReportFilename(report)}"`);
    return c.body(slaReportCsv(report, langOf(c)));
  }
  return c.json({ ...wire(report), definitions: SLA_REPORT_DEFINITIONS });
});

/** The contract's times are ISO-8601 strings: the domain's epoch milliseconds become one here. */
function wire(r: SlaReport) {
  const iso = <T extends { oldestBacklogAt: number | null }>(g: T) => ({
    ...g,
    oldestBacklogAt: g.oldestBacklogAt === null ? null : new Date(g.oldestBacklogAt).toISOString(),
  });
  return { ...r, groups: r.groups.map(iso), total: iso(r.total) };
}

/** CSV only when the client prefers it to JSON (a browser's `*\/*` keeps JSON). */
function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.indexOf('application/json');
  return csv !== -1 && (json === -1 || csv < json);
}
