/**
 * The readings that opened an agent ticket: the check and its subject, a small chart of the metric
 * (when the readings are numbers) and the readings themselves as a table. The shape is the detection
 * work's `{check, subject, readings: [{seq, at, bad, value}]}`; anything else is shown as text.
 */

import { Badge } from '../components/badge.js';
import { LineChart } from '../components/chart.js';
import { DateTime } from '../components/time.js';
import { formatNumber } from '../format.js';
import type { PageCtx } from '../page-context.js';

export interface EvidenceReading {
  seq: number | null;
  at: string;
  bad: boolean;
  value: number | string | boolean | null;
}

export interface EvidenceShape {
  check: string;
  subject: string;
  readings: EvidenceReading[];
}

export function asEvidence(v: unknown): EvidenceShape | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const e = v as Partial<EvidenceShape>;
  if (typeof e.check !== 'string' || typeof e.subject !== 'string' || !Array.isArray(e.readings))
    return undefined;
  const readings = e.readings.filter(
    (r): r is EvidenceReading =>
      !!r && typeof r === 'object' && typeof (r as EvidenceReading).at === 'string',
  );
  return { check: e.check, subject: e.subject, readings };
}

export interface MetricHistory {
  title: string;
  unit?: string;
  points: { at: Date; value: number; min?: number; max?: number; bad?: boolean }[];
  lines?: { value: number; label: string; tone: 'warn' | 'danger' }[];
  domain?: [number, number];
}

export function Evidence({
  ctx,
  evidence,
  history,
}: {
  ctx: PageCtx;
  evidence: unknown;
  history?: MetricHistory;
}) {
  const { t, lang } = ctx;
  const e = asEvidence(evidence);
  const numeric = e?.readings.filter((r) => typeof r.value === 'number') ?? [];
  return (
    <section class="card" aria-labelledby="evidence-h" data-testid="evidence">
      <h2 id="evidence-h">{t.ticket.evidenceTitle}</h2>
      {!e ? (
        evidence === null || evidence === undefined ? (
          <p class="muted">{t.ticket.noEvidence}</p>
        ) : (
          <pre class="json">{JSON.stringify(evidence, null, 2)}</pre>
        )
      ) : (
        <>
          <p>
            <strong>{t.evidence.check(labelOfCheck(ctx, e.check))}</strong>
            {' · '}
            <span class="mono">{e.subject}</span>
          </p>
          {history && history.points.length > 1 ? (
            <LineChart
              points={history.points}
              lang={lang}
              title={history.title}
              unit={history.unit}
              lines={history.lines}
              domain={history.domain}
            />
          ) : (
            numeric.length > 1 && (
              <LineChart
                points={numeric.map((r) => ({ at: new Date(r.at), value: r.value as number, bad: r.bad }))}
                lang={lang}
                title={t.evidence.check(labelOfCheck(ctx, e.check))}
              />
            )
          )}
          <div class="table-wrap">
            <table class="data compact">
              <thead>
                <tr>
                  <th scope="col">{t.evidence.at}</th>
                  <th scope="col">{t.evidence.value}</th>
                  <th scope="col">{t.evidence.verdict}</th>
                </tr>
              </thead>
              <tbody>
                {e.readings.map((r) => (
                  <tr>
                    <td>
                      <DateTime at={new Date(r.at)} lang={lang} />
                    </td>
                    <td class="num">
                      {typeof r.value === 'number'
                        ? `${formatNumber(r.value, lang)}${history?.unit ?? ''}`
                        : typeof r.value === 'boolean'
                          ? r.value
                            ? t.evidence.yes
                            : t.evidence.no
                          : (r.value ?? '—')}
                    </td>
                    <td>
                      <Badge
                        tone={r.bad ? 'danger' : 'ok'}
                        label={r.bad ? t.evidence.bad : t.evidence.good}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function labelOfCheck(ctx: PageCtx, check: string): string {
  const v = (ctx.t.evidence.checks as Record<string, string>)[check];
  return v ?? check;
}
