/**
 * The SLA report as CSV for spreadsheets: UTF-8 with a byte-order mark (Excel then reads Vietnamese
 * diacritics correctly), a header row in the reader's language, one row per group and a last `total`
 * row, RFC 4180 quoting. Every number is a plain integer — counts, minutes, đồng — never a decimal:
 * Excel with Vietnamese regional settings reads "12.5" as twelve thousand five hundred, so rates are
 * given as their met/breached counts and durations in whole minutes.
 */
import type { GroupStats } from '../domain/sla-report.js';
import type { Lang } from '../errors.js';
import type { SlaReport } from './sla-report.js';

const HEADERS: Record<Lang, string[]> = {
  vi: [
    'Loại dòng',
    'Mã',
    'Tên',
    'Phiếu mới',
    'Đã xử lý',
    'Phản hồi đúng hạn',
    'Phản hồi trễ',
    'Phản hồi loại trừ',
    'Xử lý đúng hạn',
    'Xử lý trễ',
    'Xử lý loại trừ',
    'Thời gian xử lý trung vị (phút thực)',
    'Thời gian xử lý p90 (phút thực)',
    'Thời gian xử lý trung vị (phút làm việc)',
    'Thời gian xử lý p90 (phút làm việc)',
    'Tồn cuối kỳ',
    'Tuổi phiếu tồn cũ nhất (phút)',
    'Số phiếu được duyệt chi phí',
    'Chi phí đã duyệt (đồng)',
  ],
  en: [
    'row',
    'code',
    'name',
    'opened',
    'resolved',
    'respond_met',
    'respond_breached',
    'respond_excluded',
    'resolve_met',
    'resolve_breached',
    'resolve_excluded',
    'resolve_wall_minutes_median',
    'resolve_wall_minutes_p90',
    'resolve_work_minutes_median',
    'resolve_work_minutes_p90',
    'backlog_at_end',
    'backlog_oldest_age_minutes',
    'approved_count',
    'approved_cost_vnd',
  ],
};

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // Quote what needs it; and a leading = + - @ is neutralised so a unit name cannot become a formula.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function figures(g: GroupStats, ageAt: number): (number | null)[] {
  return [
    g.opened,
    g.resolved,
    g.respond.met,
    g.respond.breached,
    g.respond.excluded,
    g.resolve.met,
    g.resolve.breached,
    g.resolve.excluded,
    g.wallMinutes.median,
    g.wallMinutes.p90,
    g.workMinutes.median,
    g.workMinutes.p90,
    g.backlog,
    g.oldestBacklogAt === null ? null : Math.floor((ageAt - g.oldestBacklogAt) / 60_000),
    g.approvedCount,
    g.approvedCostVnd,
  ];
}

/** The moment backlog ages are measured at: the period's end, or the report's time if sooner. */
export function backlogAgeAt(r: SlaReport): number {
  return Math.min(Date.parse(r.periodEnd), Date.parse(r.generatedAt));
}

export function slaReportCsv(r: SlaReport, lang: Lang): string {
  const ageAt = backlogAgeAt(r);
  const lines = [HEADERS[lang].map(cell).join(',')];
  for (const g of r.groups)
    lines.push([r.by, g.label, g.name ?? '', ...figures(g, ageAt)].map(cell).join(','));
  lines.push(
    ['total', r.unit?.code ?? '', r.unit?.name ?? '', ...figures(r.total, ageAt)].map(cell).join(','),
  );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** `sla-HN-2026-03-01_2026-03-31.csv` (ASCII only: a code is ASCII by its schema). */
export function slaReportFilename(r: SlaReport): string {
  return `sla-${r.unit?.code ?? 'all'}-${r.from}_${r.to}${r.by === 'category' ? '-by-category' : ''}.csv`;
}
