/**
 * Hourly rollups (min/avg/max per device and metric) computed from raw reports in SQL, so ingest
 * itself never pays for them. A watermark on `received_at` (in `meta`) makes each report counted
 * exactly once, even when a spooled report for an old hour arrives days late: its values merge into
 * that hour's row. The watermark trails the clock by a safety lag so no in-flight batch is skipped.
 * Each step is one write whose watermark update is guarded on the value it read (ADR 0203).
 */
import { and, eq, sql } from 'drizzle-orm';
import { meta } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';

export const ROLLUP_WATERMARK = 'rollups.received_until';
/** Ingest transactions commit within seconds; reports received before now − LAG are all visible. */
export const ROLLUP_LAG_MS = 5 * 60_000;
/** At most this much received time per write, so one write never holds the writer for long. */
const STEP_MS = 6 * 3_600_000;
const HOUR = 3_600_000;

export async function rollupWatermark(db: Db): Promise<number | undefined> {
  const v = (await db.select().from(meta).where(eq(meta.key, ROLLUP_WATERMARK)).limit(1))[0]?.value;
  return v === undefined ? undefined : Number(v);
}

function rollupSql(from: number, to: number) {
  // Integer literals (not bound parameters) so SQLite does integer division.
  const hour = sql.raw(`(collected_at / ${HOUR}) * ${HOUR}`);
  // Every report received in the range with its body: inline, or its element of the request's batch
  // (each batch parsed once; duplicates in a batch have no report row pointing at them).
  return sql`
    WITH src AS MATERIALIZED (
      SELECT r.device_id, r.collected_at, r.body FROM reports r
      WHERE r.received_at > ${from} AND r.received_at <= ${to} AND r.body IS NOT NULL
      UNION ALL
      SELECT r.device_id, r.collected_at, j.value
      FROM report_batches b, json_each(b.body, '$.reports') j
      JOIN reports r ON r.device_id = b.device_id AND r.seq = json_extract(j.value, '$.seq')
        AND r.batch_id = b.id AND r.batch_idx = j.key
      WHERE b.received_at > ${from} AND b.received_at <= ${to}
    )
    INSERT INTO rollups (device_id, metric, hour, min, max, sum, count)
    SELECT device_id, metric, hour, mn, mx, sm, n FROM (
      SELECT device_id, metric, hour, min(v) AS mn, max(v) AS mx, sum(v) AS sm, count(*) AS n FROM (
        SELECT device_id, 'disk:' || json_extract(d.value, '$.mount') || '/freePct' AS metric, ${hour} AS hour,
          (json_extract(d.value, '$.sizeBytes') - json_extract(d.value, '$.usedBytes')) * 100.0
            / json_extract(d.value, '$.sizeBytes') AS v
        FROM src, json_each(src.body, '$.disks') d
        WHERE json_extract(d.value, '$.sizeBytes') > 0
        UNION ALL
        SELECT device_id, 'target:' || json_extract(t.value, '$.id') || '/latencyMs', ${hour},
          json_extract(t.value, '$.latencyMs')
        FROM src, json_each(src.body, '$.targets') t
        WHERE json_extract(t.value, '$.latencyMs') IS NOT NULL
        UNION ALL
        SELECT device_id, 'target:' || json_extract(t.value, '$.id') || '/ok', ${hour}, json_extract(t.value, '$.ok')
        FROM src, json_each(src.body, '$.targets') t
        UNION ALL
        SELECT device_id, 'system/cpuLoadPct', ${hour}, json_extract(src.body, '$.system.cpuLoadPct')
        FROM src WHERE json_extract(src.body, '$.system.cpuLoadPct') IS NOT NULL
        UNION ALL
        SELECT device_id, 'system/memUsedPct', ${hour}, json_extract(src.body, '$.system.memUsedPct')
        FROM src WHERE json_extract(src.body, '$.system.memUsedPct') IS NOT NULL
      ) GROUP BY device_id, metric, hour
    ) WHERE true
    ON CONFLICT (device_id, metric, hour) DO UPDATE SET
      min = min(rollups.min, excluded.min),
      max = max(rollups.max, excluded.max),
      sum = rollups.sum + excluded.sum,
      count = rollups.count + excluded.count`;
}

/** Rolls up every report received up to now − LAG; returns how far it got. */
export async function runRollups(
  deps: AppDeps,
  now: Date,
  maxSteps = 48,
): Promise<{ until: number; steps: number }> {
  const target = now.getTime() - ROLLUP_LAG_MS;
  let steps = 0;
  let until = 0;
  for (; steps < maxSteps; steps++) {
    const done = await deps.store.write(
      async (tx) => {
        const seen = await rollupWatermark(tx);
        let from = seen;
        if (from === undefined) {
          // First run: start just before the oldest report kept.
          const oldest = await tx.all<{ m: number | null }>(sql`SELECT min(received_at) AS m FROM reports`);
          from = oldest[0]?.m == null ? target : Number(oldest[0].m) - 1;
        }
        const to = Math.min(target, from + STEP_MS);
        if (to > from) await tx.run(rollupSql(from, to));
        const value = String(Math.max(from, to));
        // Guarded on the watermark as read: two processes never count the same reports twice (the
        // loser's batch is undone and it runs again from the winner's watermark).
        if (seen === undefined)
          tx.guard(
            tx.insert(meta).values({ key: ROLLUP_WATERMARK, value }).onConflictDoNothing(),
            'rollup watermark unset',
          );
        else
          tx.guard(
            tx
              .update(meta)
              .set({ value })
              .where(and(eq(meta.key, ROLLUP_WATERMARK), eq(meta.value, String(seen)))),
            'rollup watermark as read',
          );
        until = Math.max(from, to);
        return to >= target;
      },
      { label: 'rollups' },
    );
    if (done) break;
  }
  return { until, steps: steps + 1 };
}
