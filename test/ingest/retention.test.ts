/**
 * Readings kept: hourly rollups (min/avg/max) from raw reports, raw reports deleted after
 * REPORT_RETENTION_DAYS (never before they are rolled up), rollups after ROLLUP_RETENTION_DAYS.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionJob } from '../../server/jobs/retention.js';
import { ManualClock } from '../helpers/clock.js';
import { createUnit } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { enroll, report, send, useClock } from './agents.js';

let s: TestServer;
const clock = new ManualClock('2026-03-02T02:00:00Z');
useClock(clock);

beforeAll(async () => {
  s = await startTestServer({ clock, env: { REPORT_RETENTION_DAYS: '2', ROLLUP_RETENTION_DAYS: '5' } });
});
afterAll(async () => s?.stop());

const q = async <T>(query: ReturnType<typeof sql>) => s.deps.store.read.all<T>(query);

describe('rollups and retention', () => {
  it('rolls up per hour, merges late reports, and deletes only what has expired', async () => {
    const ward = (await createUnit(s.admin, { level: 'commune', parentCode: 'HN' })).code;
    const a = await enroll(s.admin, ward);
    // Hour 02:00–03:00: free space 50, 40, 30 %.
    for (const [i, free] of [50, 40, 30].entries()) {
      const r = report(a, { freePct: free, at: new Date(Date.parse('2026-03-02T02:10:00Z') + i * 60_000) });
      expect((await send(a, [r])).status).toBe(200);
    }
    clock.set('2026-03-02T03:30:00Z');
    await retentionJob.run(s.deps, clock.now());
    const rows = await q<{ min: number; max: number; sum: number; count: number }>(
      sql`SELECT min, max, sum, count FROM rollups WHERE device_id = ${a.deviceId} AND metric = 'disk:C:/freePct'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.count).toBe(3);
    expect(rows[0]!.min).toBeCloseTo(30, 1);
    expect(rows[0]!.max).toBeCloseTo(50, 1);
    expect(rows[0]!.sum / rows[0]!.count).toBeCloseTo(40, 1);
    const metrics = await q<{ metric: string }>(
      sql`SELECT DISTINCT metric FROM rollups WHERE device_id = ${a.deviceId}`,
    );
    expect(metrics.map((m) => m.metric)).toEqual(
      expect.arrayContaining([
        'target:dvc-quoc-gia/latencyMs',
        'target:dvc-quoc-gia/ok',
        'system/cpuLoadPct',
      ]),
    );
    // A spooled report for that hour arrives late: it merges into the same row, counted once.
    const late = report(a, { freePct: 10, at: new Date('2026-03-02T02:50:00Z'), seq: 100 });
    expect((await send(a, [late])).status).toBe(200);
    clock.set('2026-03-02T03:50:00Z');
    await retentionJob.run(s.deps, clock.now());
    await retentionJob.run(s.deps, clock.now());
    const merged = await q<{ min: number; count: number }>(
      sql`SELECT min, count FROM rollups WHERE device_id = ${a.deviceId} AND metric = 'disk:C:/freePct'`,
    );
    expect(merged[0]!.count).toBe(4);
    expect(merged[0]!.min).toBeCloseTo(10, 1);

    // Three days later the raw reports (retention 2 days) go; the rollup stays.
    clock.set('2026-03-05T04:00:00Z');
    const fresh = report(a, { at: clock.now(), seq: 101 });
    expect((await send(a, [fresh])).status).toBe(200);
    const r = await retentionJob.run(s.deps, clock.now());
    expect(r.reportsDeleted).toBe(4);
    const left = await q<{ seq: number }>(sql`SELECT seq FROM reports WHERE device_id = ${a.deviceId}`);
    expect(left.map((x) => x.seq)).toEqual([101]);
    expect(
      (
        await q<{ n: number }>(
          sql`SELECT count(*) AS n FROM rollups WHERE hour = ${Date.parse('2026-03-02T02:00:00Z')}`,
        )
      )[0]!.n,
    ).toBeGreaterThan(0);
    // The latest reading is always at hand, whatever retention removed.
    s.admin = await s.anon.login('admin', ADMIN_PASSWORD); // days passed: the session expired
    expect((await s.admin.get(`/api/v1/devices/${a.deviceId}`)).body.latest.seq).toBe(101);

    // Six days on, the rollups of March 2nd expire too (retention 5 days).
    clock.set('2026-03-08T04:00:00Z');
    const r2 = await retentionJob.run(s.deps, clock.now());
    expect(r2.rollupsDeleted).toBeGreaterThan(0);
    expect(
      (
        await q<{ n: number }>(
          sql`SELECT count(*) AS n FROM rollups WHERE hour < ${Date.parse('2026-03-03T00:00:00Z')}`,
        )
      )[0]!.n,
    ).toBe(0);
  });

  it('never deletes raw reports that are not rolled up yet', async () => {
    s.admin = await s.anon.login('admin', ADMIN_PASSWORD);
    const ward = (await createUnit(s.admin, { level: 'commune', parentCode: 'HN' })).code;
    const a = await enroll(s.admin, ward);
    const r = report(a, { at: clock.now() });
    expect((await send(a, [r])).status).toBe(200);
    // Pretend the rollup watermark is stuck before this report (e.g. a failed rollup run).
    await s.deps.store.write((tx) =>
      tx.run(
        sql`UPDATE meta SET value = ${String(clock.now().getTime() - 1)} WHERE key = 'rollups.received_until'`,
      ),
    );
    clock.advance(4 * 86_400_000);
    // Rollups catch up first, so the report is rolled up before it is deleted.
    const r2 = await retentionJob.run(s.deps, clock.now());
    expect(r2.reportsDeleted).toBe(1);
    const n = await q<{ n: number }>(sql`SELECT count(*) AS n FROM rollups WHERE device_id = ${a.deviceId}`);
    expect(Number(n[0]!.n)).toBeGreaterThan(0);
  });
});
