/**
 * Silence (with the scheduler-outage grace), site-down grouping and upstream-outage grouping, with
 * children recovering with their cause — over the real server, the scheduled jobs run by the test
 * clock as the cron trigger runs them. Black box on both targets (test/targets).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit } from '../helpers/factories.js';
import { enroll, type SimAgent, sendEach, useClock } from '../ingest/agents.js';
import { ADMIN_PASSWORD, startTarget, type Target, type TargetClock } from '../targets/index.js';
import { deviceStatus, events, tickets, ticketsOf, unitId } from './db.js';

let s: Target;
let clock: TargetClock;

beforeAll(async () => {
  s = await startTarget({ start: '2026-03-02T02:00:00Z' });
  clock = s.clock;
  useClock(clock);
});
afterAll(async () => s?.stop());

/** One minute passes: the listed agents report, then the scheduled jobs run (the silence job with them). */
async function minute(reporting: SimAgent[], o: Parameters<typeof sendEach>[2] = {}) {
  await clock.advanceMinutes(1);
  for (const a of reporting) await sendEach(a, 1, o);
  await s.runJobs();
}

const silentDevices = async () =>
  Number((await s.sql<{ n: number }>("SELECT count(*) AS n FROM devices WHERE status = 'silent'"))[0]!.n);

async function commune(name: string) {
  return (await createUnit(s.admin, { name, level: 'commune', parentCode: 'HN' })).code;
}

describe('agent silence', () => {
  it('opens one ticket after 3 intervals without a report and resolves it when the agent returns', async () => {
    const code = await commune('Phường Ngọc Hà');
    const a = await enroll(s.admin, code);
    await minute([a]);
    for (let i = 0; i < 3; i++) await minute([]);
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(0);
    await minute([]);
    const t = await ticketsOf(s, a.deviceId);
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ category: 'network', severity: 'major', status: 'open' });
    expect(await deviceStatus(s, a.deviceId)).toBe('silent');
    for (let i = 0; i < 3; i++) await minute([]);
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
    await minute([a]);
    expect((await ticketsOf(s, a.deviceId))[0]!.status).toBe('resolved');
    expect(await deviceStatus(s, a.deviceId)).toBe('ok');
  });

  it('after the server itself was down, waits 3 intervals plus the agents’ longest backoff before calling anyone silent', async () => {
    const code = await commune('Phường Hoàn Kiếm');
    const a = await enroll(s.admin, code);
    await minute([a]);
    // The server is down for an hour: no job runs, no report arrives.
    await clock.advanceMinutes(60);
    s.admin = await s.anon.login('admin', ADMIN_PASSWORD);
    // The first run after the gap calls no device silent (every device here reported an hour ago).
    const before = await silentDevices();
    await s.runJobs();
    expect(await silentDevices()).toBe(before);
    expect(await deviceStatus(s, a.deviceId)).not.toBe('silent');
    // 3 intervals (3 min) + the agents' longest retry backoff (5 min): agents still backing off after the
    // outage are not blamed for the server's absence.
    for (let i = 0; i < 8; i++) await minute([]);
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(0);
    await minute([]);
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
    await minute([a]);
  });
});

describe('site down', () => {
  it('one critical "site offline" ticket with the silent devices under it; they recover with it', async () => {
    const code = await commune('Xã Sóc Sơn');
    const uid = await unitId(s, code);
    const devs = [await enroll(s.admin, code), await enroll(s.admin, code), await enroll(s.admin, code)];
    await minute(devs);
    for (let i = 0; i < 4; i++) await minute([]);
    const site = await tickets(s, 'unit_id = ? AND device_id IS NULL', uid);
    expect(site).toHaveLength(1);
    expect(site[0]).toMatchObject({ category: 'network', severity: 'critical', status: 'open' });
    for (const d of devs) {
      expect(await ticketsOf(s, d.deviceId)).toHaveLength(0);
      expect(await deviceStatus(s, d.deviceId)).toBe('silent');
    }
    const kids = await s.sql<{ n: number }>(
      'SELECT count(*) AS n FROM faults WHERE parent_ticket_id = ?',
      site[0]!.id,
    );
    expect(Number(kids[0]!.n)).toBe(3);
    // Still down a few minutes later: nothing new.
    await minute([]);
    expect(await tickets(s, 'unit_id = ?', uid)).toHaveLength(1);

    // Power is back for one PC: the site recovers at once; the two others stay silent.
    await minute([devs[0]!]);
    expect((await tickets(s, 'id = ?', site[0]!.id))[0]!.status).toBe('resolved');
    expect((await events(s, site[0]!.id)).map((e) => e.type)).toContain('auto_resolve');
    // The others do not get tickets at once …
    await minute([devs[0]!]);
    expect(await ticketsOf(s, devs[1]!.deviceId)).toHaveLength(0);
    // … the one that comes back in time never does; the one still silent 3 intervals later does.
    await minute([devs[0]!, devs[1]!]);
    for (let i = 0; i < 3; i++) await minute([devs[0]!, devs[1]!]);
    expect(await ticketsOf(s, devs[1]!.deviceId)).toHaveLength(0);
    const own = await ticketsOf(s, devs[2]!.deviceId);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ category: 'network', severity: 'major', parentId: null });
  });

  it('a unit with a single device gets a device ticket, not a site ticket', async () => {
    const code = await commune('Xã Ba Vì');
    const uid = await unitId(s, code);
    const a = await enroll(s.admin, code);
    await minute([a]);
    for (let i = 0; i < 4; i++) await minute([]);
    expect(await tickets(s, 'unit_id = ? AND device_id IS NULL', uid)).toHaveLength(0);
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
  });
});

describe('upstream outage', () => {
  it('one upstream ticket at the root when ≥ 3 units and ≥ half fail; children recover with it', async () => {
    // Silence is not under test here: keep every earlier agent out of the way.
    const units: string[] = [];
    for (const n of [
      'Phường Cầu Giấy',
      'Phường Nghĩa Đô',
      'Phường Yên Hòa',
      'Phường Ô Chợ Dừa',
      'Phường Láng',
    ])
      units.push(await commune(n));
    const devs: SimAgent[] = [];
    for (const u of units) devs.push(await enroll(s.admin, u));
    const T = 'dvc-quoc-gia';
    const round = async (failingIdx: number[]) => {
      await clock.advanceMinutes(1);
      for (const [i, d] of devs.entries())
        await sendEach(d, 1, failingIdx.includes(i) ? { failing: [T] } : {});
    };
    await round([]);
    // Unit 0 fails first: an ordinary device ticket.
    for (let i = 0; i < 3; i++) await round([0]);
    const first = await ticketsOf(s, devs[0]!.deviceId);
    expect(first).toHaveLength(1);
    expect(first[0]!.category).toBe('network');
    // Units 1 and 2 fail too: at the third unit the upstream ticket opens at the root.
    for (let i = 0; i < 3; i++) await round([0, 1, 2]);
    const up = await tickets(s, "category = 'upstream'");
    expect(up).toHaveLength(1);
    expect(up[0]).toMatchObject({ severity: 'critical', unitId: await unitId(s, 'HN'), deviceId: null });
    expect(up[0]!.fingerprint).toBe(`root|upstream|${T}`);
    // Unit 1 and 2 got no ticket of their own; unit 0's ticket hangs under the upstream one.
    expect(await ticketsOf(s, devs[1]!.deviceId)).toHaveLength(0);
    expect(await ticketsOf(s, devs[2]!.deviceId)).toHaveLength(0);
    expect((await ticketsOf(s, devs[0]!.deviceId))[0]!.parentId).toBe(up[0]!.id);
    // A fourth unit joins: still one ticket.
    for (let i = 0; i < 3; i++) await round([0, 1, 2, 3]);
    expect(await ticketsOf(s, devs[3]!.deviceId)).toHaveLength(0);
    expect(await tickets(s, "category = 'upstream'")).toHaveLength(1);

    // Recovery: units 0, 1 recover; 2 failing of 5 → the outage is over.
    for (let i = 0; i < 3; i++) await round([2, 3]);
    const upAfter = (await tickets(s, 'id = ?', up[0]!.id))[0]!;
    expect(upAfter.status).toBe('resolved');
    // Unit 0's own ticket recovered with it.
    expect((await ticketsOf(s, devs[0]!.deviceId))[0]!.status).toBe('resolved');
    // Units 2 and 3 stay bad: after openAfter more bad readings each becomes a ticket of its own.
    expect(await ticketsOf(s, devs[2]!.deviceId)).toHaveLength(0);
    for (let i = 0; i < 3; i++) await round([2, 3]);
    for (const i of [2, 3]) {
      const own = await ticketsOf(s, devs[i]!.deviceId);
      expect(own).toHaveLength(1);
      expect(own[0]).toMatchObject({ category: 'network', parentId: null, status: 'open' });
    }
    expect(await tickets(s, "category = 'upstream'")).toHaveLength(1);
  });
});
