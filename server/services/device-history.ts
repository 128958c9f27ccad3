/**
 * A device's readings over time for charts: hourly rollups (min/avg/max) for the period, then the raw
 * reports newer than the last rolled-up hour (rollups trail the clock), so a chart always reaches the
 * latest reading. Metric names are the rollups' (domain/report-metrics.ts). Reads only.
 */
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { rollups } from '../db/schema.js';
import type { Db } from '../db/store.js';
import { reportMetrics } from '../domain/report-metrics.js';

export interface HistoryPoint {
  at: Date;
  value: number;
  min?: number;
  max?: number;
}

const HOUR = 3_600_000;
/** Raw reports read at most per chart (7 days of one report a minute would be ten thousand). */
const MAX_RAW = 600;

export async function metricHistory(
  db: Db,
  deviceId: string,
  metric: string,
  from: Date,
  to: Date,
): Promise<HistoryPoint[]> {
  const hourly = await db
    .select()
    .from(rollups)
    .where(
      and(
        eq(rollups.deviceId, deviceId),
        eq(rollups.metric, metric),
        gte(rollups.hour, new Date(Math.floor(from.getTime() / HOUR) * HOUR)),
        lte(rollups.hour, to),
      ),
    )
    .orderBy(asc(rollups.hour));
  const points: HistoryPoint[] = hourly.map((r) => ({
    // The middle of the hour: the average stands for the whole hour.
    at: new Date(r.hour.getTime() + HOUR / 2),
    value: r.sum / r.count,
    min: r.min,
    max: r.max,
  }));
  const last = hourly[hourly.length - 1];
  const rawFrom = last ? last.hour.getTime() + HOUR : from.getTime();
  const raw = await db.all<{ at: number; body: string | null }>(sql`
    SELECT r.collected_at AS at, coalesce(r.body, json_extract(b.body, '$.reports[' || r.batch_idx || ']')) AS body
    FROM reports r LEFT JOIN report_batches b ON b.id = r.batch_id
    WHERE r.device_id = ${deviceId} AND r.collected_at >= ${rawFrom} AND r.collected_at <= ${to.getTime()}
    ORDER BY r.seq DESC LIMIT ${MAX_RAW}`);
  for (const r of raw.reverse()) {
    if (!r.body) continue;
    const v = reportMetrics(JSON.parse(r.body)).get(metric);
    if (v !== undefined) points.push({ at: new Date(Number(r.at)), value: v });
  }
  return points.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The metrics a device has reported lately (from its latest report and its rollups of the period). */
export async function metricsOfDevice(
  db: Db,
  deviceId: string,
  latest: unknown,
  from: Date,
): Promise<string[]> {
  const rows = await db
    .selectDistinct({ metric: rollups.metric })
    .from(rollups)
    .where(and(eq(rollups.deviceId, deviceId), gte(rollups.hour, from)));
  const names = new Set(rows.map((r) => r.metric));
  if (latest && typeof latest === 'object') for (const k of reportMetrics(latest).keys()) names.add(k);
  return [...names].sort();
}
