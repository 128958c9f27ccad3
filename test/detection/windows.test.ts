/**
 * Maintenance windows: the API (one-off and recurring, scope, bad input) and their effect — faults
 * inside a window open nothing; still bad when it ends, they open tickets then (windows job).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silenceJob } from '../../server/jobs/silence.js';
import { windowsJob } from '../../server/jobs/windows.js';
import { ManualClock } from '../helpers/clock.js';
import { createUnit, createUser } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { enroll, sendEach, useClock } from '../ingest/agents.js';
import { deviceStatus, ticketsOf } from './db.js';

let s: TestServer;
const clock = new ManualClock('2026-03-02T02:00:00Z');
useClock(clock);
let ward: string;

beforeAll(async () => {
  s = await startTestServer({ clock });
  ward = (await createUnit(s.admin, { name: 'Phường Kim Liên', level: 'commune', parentCode: 'HN' })).code;
});
afterAll(async () => s?.stop());

const iso = (minutesFromNow: number) =>
  new Date(clock.now().getTime() + minutesFromNow * 60_000).toISOString();

async function count(table: string) {
  return Number(
    (await s.deps.store.read.all<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.raw(table)}`))[0]!.n,
  );
}

describe('maintenance window API', () => {
  it('creates, lists, reads and cancels one-off and recurring windows', async () => {
    const one = await s.admin.post('/api/v1/maintenance-windows', {
      unitCode: ward,
      startsAt: iso(0),
      endsAt: iso(60),
      reason: 'Thay bộ chuyển mạch tầng 1',
    });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ unitCode: ward, activeNow: true, recurrence: null });
    const weekly = await s.admin.post('/api/v1/maintenance-windows', {
      unitCode: ward,
      startsAt: '2026-03-07T00:00:00Z',
      endsAt: '2026-03-07T04:00:00Z',
      recurrence: { freq: 'weekly', byWeekday: [6] },
      reason: 'Bảo trì định kỳ sáng thứ Bảy',
    });
    expect(weekly.status).toBe(201);
    expect(weekly.body.activeNow).toBe(false);
    const list = await s.admin.get(`/api/v1/maintenance-windows?unit=${ward}`);
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual(
      expect.arrayContaining([one.body.id, weekly.body.id]),
    );
    expect((await s.admin.get(`/api/v1/maintenance-windows/${one.body.id}`)).body.reason).toContain(
      'chuyển mạch',
    );
    const del = await s.admin.request('DELETE', `/api/v1/maintenance-windows/${one.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body.cancelledAt).toBeTruthy();
    expect((await s.admin.request('DELETE', `/api/v1/maintenance-windows/${one.body.id}`)).status).toBe(409);
    await s.admin.request('DELETE', `/api/v1/maintenance-windows/${weekly.body.id}`);
  });

  it('refuses bad windows (422 with paths) and callers out of scope, writing nothing', async () => {
    const before = await count('maintenance_windows');
    const cases: [object, string][] = [
      [{ unitCode: ward, startsAt: iso(60), endsAt: iso(0), reason: 'x' }, 'endsAt'],
      [{ startsAt: iso(0), endsAt: iso(60), reason: 'x' }, 'unitCode'],
      [{ unitCode: ward, startsAt: iso(0), endsAt: iso(60 * 24 * 40), reason: 'x' }, 'endsAt'],
      [{ unitCode: ward, startsAt: iso(0), endsAt: iso(60), reason: '' }, 'reason'],
      [
        {
          unitCode: ward,
          startsAt: iso(0),
          endsAt: iso(60 * 25),
          reason: 'x',
          recurrence: { freq: 'daily' },
        },
        'endsAt',
      ],
      [{ unitCode: ward, startsAt: 'tomorrow', endsAt: iso(60), reason: 'x' }, 'startsAt'],
    ];
    for (const [body, path] of cases) {
      const r = await s.admin.post('/api/v1/maintenance-windows', body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const other = (await createUnit(s.admin, { level: 'commune', parentCode: 'HN' })).code;
    const { client: viewer } = await createUser(s.admin, [{ role: 'viewer', unitCode: ward }]);
    const { client: it2 } = await createUser(s.admin, [{ role: 'it_staff', unitCode: other }]);
    const body = { unitCode: ward, startsAt: iso(0), endsAt: iso(60), reason: 'x' };
    expect((await viewer.post('/api/v1/maintenance-windows', body)).status).toBe(403);
    expect((await it2.post('/api/v1/maintenance-windows', body)).status).toBe(404);
    expect((await s.anon.post('/api/v1/maintenance-windows', body)).status).toBe(401);
    expect(await count('maintenance_windows')).toBe(before);
  });
});

describe('faults inside a window', () => {
  it('open nothing; still bad at the end → ticket then; recovered inside → never', async () => {
    const a = await enroll(s.admin, ward);
    const b = await enroll(s.admin, ward);
    await sendEach(a, 1);
    const w = await s.admin.post('/api/v1/maintenance-windows', {
      unitCode: ward,
      startsAt: iso(0),
      endsAt: iso(30),
      reason: 'Nâng cấp Windows',
    });
    expect(w.status).toBe(201);
    for (let i = 0; i < 4; i++) {
      clock.advanceMinutes(1);
      await sendEach(a, 1, { freePct: 2 });
      await sendEach(b, 1, { smart: i < 3 ? 'failing' : 'ok' });
    }
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(0);
    expect(await deviceStatus(s, a.deviceId)).toBe('maintenance');
    // b recovers inside the window.
    for (let i = 0; i < 3; i++) {
      clock.advanceMinutes(1);
      await sendEach(b, 1);
    }
    await windowsJob.run(s.deps, clock.now());
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(0);
    // The window ends with a still bad: the job opens its ticket now.
    clock.advanceMinutes(30);
    const r = await windowsJob.run(s.deps, clock.now());
    expect(r.ticketsOpened).toBe(1);
    const t = await ticketsOf(s, a.deviceId);
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ category: 'hardware', severity: 'major' });
    expect(await ticketsOf(s, b.deviceId)).toHaveLength(0);
    expect(await deviceStatus(s, b.deviceId)).not.toBe('maintenance');
    // Running again changes nothing.
    expect((await windowsJob.run(s.deps, clock.now())).ticketsOpened).toBe(0);
  });

  it('a device-level window silences only that device, including agent silence', async () => {
    const a = await enroll(s.admin, ward);
    const b = await enroll(s.admin, ward);
    await sendEach(a, 1);
    await sendEach(b, 1);
    const w = await s.admin.post('/api/v1/maintenance-windows', {
      deviceId: a.deviceId,
      startsAt: iso(0),
      endsAt: iso(20),
      reason: 'Cài lại máy',
    });
    expect(w.status).toBe(201);
    await silenceJob.run(s.deps, clock.now());
    for (let i = 0; i < 6; i++) {
      clock.advanceMinutes(1);
      await sendEach(b, 1);
      await silenceJob.run(s.deps, clock.now());
    }
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(0);
    expect(await deviceStatus(s, a.deviceId)).toBe('maintenance');
    // The scheduler keeps running while the window lasts; when it ends, a is still silent.
    for (let i = 0; i < 10; i++) {
      clock.advanceMinutes(2);
      await sendEach(b, 1);
      await windowsJob.run(s.deps, clock.now());
      await silenceJob.run(s.deps, clock.now());
    }
    const t = await ticketsOf(s, a.deviceId);
    expect(t).toHaveLength(1);
    expect(t[0]!.title).toContain('ngừng gửi báo cáo');
  });

  it('a whole site silent through a unit window becomes one site ticket when it ends', async () => {
    const site = (await createUnit(s.admin, { name: 'Xã Phù Đổng', level: 'commune', parentCode: 'HN' }))
      .code;
    const devs = [await enroll(s.admin, site), await enroll(s.admin, site), await enroll(s.admin, site)];
    for (const d of devs) await sendEach(d, 1);
    await silenceJob.run(s.deps, clock.now());
    const w = await s.admin.post('/api/v1/maintenance-windows', {
      unitCode: site,
      startsAt: iso(0),
      endsAt: iso(10),
      reason: 'Cắt điện theo lịch',
    });
    expect(w.status).toBe(201);
    for (let i = 0; i < 8; i++) {
      clock.advanceMinutes(2);
      await windowsJob.run(s.deps, clock.now());
      await silenceJob.run(s.deps, clock.now());
    }
    for (const d of devs) expect(await ticketsOf(s, d.deviceId)).toHaveLength(0);
    const unitTickets = await s.deps.store.read.all<{ severity: string; deviceId: string | null }>(
      sql`SELECT t.severity, t.device_id AS deviceId FROM tickets t JOIN units u ON u.id = t.unit_id
          WHERE u.code = ${site}`,
    );
    expect(unitTickets).toEqual([{ severity: 'critical', deviceId: null }]);
  });
});
