/**
 * Readings → faults → tickets over the real server: each check opens one ticket of the table's
 * category and severity after `openAfter` bad reports, recovers after `recoverAfter`, reopens within
 * 24 h, is only marked recovered while a human works it, and the unique index settles races.
 * Black box on both targets (test/targets); what needs the server in process (a ticket opened by
 * "another process", a trigger that makes routing fail) runs on the Node server only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibsqlStore } from '../../server/db/libsql.js';
import { windowsJob } from '../../server/jobs/windows.js';
import { openOrJoin } from '../../server/services/detection.js';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { enroll, report, send, sendEach, useClock } from '../ingest/agents.js';
import { ADMIN_PASSWORD, startTarget, type Target, type TargetClock, targetKind } from '../targets/index.js';
import { deviceStatus, events, type Staff, tickets, ticketsOf, workTicket } from './db.js';

let s: Target;
let clock: TargetClock;
let ward: string;
let people: [string, string];

/** IT staff of the city and the ward's head, signed in now (the clock moves past session lifetimes). */
async function staff(): Promise<Staff> {
  const [it, head] = await Promise.all(people.map((u) => s.anon.login(u, TEST_PASSWORD)));
  return { it: it!, head: head! };
}

beforeAll(async () => {
  s = await startTarget({ start: '2026-03-02T02:00:00Z' });
  clock = s.clock;
  useClock(clock);
  ward = (
    await createUnit(s.admin, { code: '00025', name: 'Phường Giảng Võ', level: 'commune', parentCode: 'HN' })
  ).code;
  const itStaff = await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }]);
  const head = await createUser(s.admin, [{ role: 'unit_head', unitCode: ward }]);
  people = [itStaff.user.username, head.user.username];
  const r = await s.admin.put(`/api/v1/units/${ward}/policy`, {
    peripherals: {
      expected: [
        { kind: 'scanner', label: 'Máy quét hồ sơ', match: { vendorId: '04a9', productId: '1905' } },
      ],
    },
  });
  expect(r.status).toBe(200);
});
afterAll(async () => s?.stop());

const scanner = {
  kind: 'scanner',
  name: 'Canon DR-C225',
  vendorId: '04a9',
  productId: '1905',
  connected: true,
};

async function tick(a: Parameters<typeof sendEach>[0], n: number, o: Parameters<typeof sendEach>[2] = {}) {
  for (let i = 0; i < n; i++) {
    await clock.advanceMinutes(1);
    await sendEach(a, 1, { peripherals: [scanner], ...o });
  }
}

describe('the check table end to end', () => {
  it.each([
    ['disk below warn', { freePct: 8 }, 'disk_free', 'hardware', 'minor'],
    ['disk below crit', { freePct: 3 }, 'disk_free', 'hardware', 'major'],
    ['SMART failing', { smart: 'failing' as const }, 'disk_health', 'hardware', 'critical'],
    ['target unreachable', { failing: ['dvc-ha-noi'] }, 'target', 'network', 'major'],
    ['target slow', { slow: ['dvc-quoc-gia'] }, 'target_latency', 'network', 'minor'],
    [
      'scanner unplugged',
      { peripherals: [{ ...scanner, connected: false }] },
      'peripheral',
      'peripheral',
      'major',
    ],
  ])('%s → one %s ticket (%s, %s) after 3 bad reports', async (_n, bad, check, category, severity) => {
    const a = await enroll(s.admin, ward);
    await tick(a, 2, bad);
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(0);
    expect(await deviceStatus(s, a.deviceId)).toBe('ok');
    await tick(a, 1, bad);
    const t = await ticketsOf(s, a.deviceId);
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ category, severity, source: 'agent', status: 'open' });
    expect(t[0]!.fingerprint).toContain(`|${check}|`);
    expect(await deviceStatus(s, a.deviceId)).toBe('degraded');
    // Evidence: the three bad readings that opened it.
    const ev = await events(s, t[0]!.id);
    expect(ev[0]!.type).toBe('opened');
    expect(ev[0]!.data.evidence.readings).toHaveLength(3);
    // More bad reports: still one ticket.
    await tick(a, 3, bad);
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
  });
});

describe('per-device thresholds', () => {
  it('a device override changes its config (new ETag) and its detection, not its neighbours’', async () => {
    const a = await enroll(s.admin, ward);
    const b = await enroll(s.admin, ward);
    const tag = (await a.client.get('/api/v1/agent/config')).headers.get('etag');
    const put = await s.admin.put(`/api/v1/devices/${a.deviceId}/policy`, {
      disk: { warnFreePct: 30, critFreePct: 20 },
      openAfter: 2,
    });
    expect(put.status).toBe(200);
    expect(put.body.own).toEqual({ disk: { warnFreePct: 30, critFreePct: 20 }, openAfter: 2 });
    expect(put.body.effective.peripherals.expected).toHaveLength(1); // still inherits the ward's
    const c2 = await a.client.get('/api/v1/agent/config', { 'if-none-match': tag! });
    expect(c2.status).toBe(200);
    expect(c2.body.disk.warnFreePct).toBe(30);
    expect((await b.client.get('/api/v1/agent/config', { 'if-none-match': tag! })).status).toBe(304);
    await tick(a, 2, { freePct: 25 });
    await tick(b, 3, { freePct: 25 });
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
    expect(await ticketsOf(s, b.deviceId)).toHaveLength(0);
    expect((await s.admin.get(`/api/v1/devices/${a.deviceId}/policy`)).body.effective.openAfter).toBe(2);
    expect((await s.admin.put(`/api/v1/devices/${a.deviceId}/policy`, { openAfter: 0 })).status).toBe(422);
  });
});

describe('hysteresis and lifecycle', () => {
  it('a flap inside the window opens nothing', async () => {
    const a = await enroll(s.admin, ward);
    for (const bad of [true, true, false, true, true, false, true, true, false])
      await tick(a, 1, bad ? { freePct: 2 } : {});
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(0);
  });

  it('auto-resolves after 3 good reports with those readings on the timeline, reopens within 24 h', async () => {
    const a = await enroll(s.admin, ward);
    await tick(a, 3, { freePct: 2 });
    const [t] = await ticketsOf(s, a.deviceId);
    await tick(a, 2);
    expect((await ticketsOf(s, a.deviceId))[0]!.status).toBe('open');
    await tick(a, 1);
    expect((await ticketsOf(s, a.deviceId))[0]!.status).toBe('resolved');
    const ev = await events(s, t!.id);
    const res = ev.find((e) => e.type === 'auto_resolve')!;
    expect(res.data.readings).toHaveLength(3);
    expect(res.data.readings.every((r: { bad: boolean }) => !r.bad)).toBe(true);
    expect(await deviceStatus(s, a.deviceId)).toBe('ok');
    // Returns 2 hours later: the same ticket reopens.
    await clock.advanceMinutes(120);
    await tick(a, 3, { freePct: 2 });
    const again = await ticketsOf(s, a.deviceId);
    expect(again).toHaveLength(1);
    expect(again[0]!.status).toBe('open');
    expect((await events(s, t!.id)).map((e) => e.type)).toContain('reopen');
    // Resolves, returns 25 hours later: a new ticket.
    await tick(a, 3);
    await clock.advanceMinutes(25 * 60);
    s.admin = await s.anon.login('admin', ADMIN_PASSWORD); // the session expired meanwhile
    await tick(a, 3, { freePct: 2 });
    const later = await ticketsOf(s, a.deviceId);
    expect(later.map((x) => x.status)).toEqual(['resolved', 'open']);
  });

  it('a ticket a human works is marked recovered, not resolved; a return goes to the same ticket', async () => {
    const a = await enroll(s.admin, ward);
    await tick(a, 3, { smart: 'failing' });
    const [t] = await ticketsOf(s, a.deviceId);
    await workTicket(await staff(), t!.id, 'in_progress');
    await tick(a, 3, { smart: 'ok' });
    const after = (await ticketsOf(s, a.deviceId))[0]!;
    expect(after.status).toBe('in_progress');
    expect(after.recoveredAt).not.toBeNull();
    await tick(a, 3, { smart: 'failing' });
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
    expect((await events(s, t!.id)).map((e) => e.type)).toContain('fault_returned');
  });

  for (const status of ['awaiting_approval', 'approved', 'waiting_parts'] as const)
    it(`a ticket ${status} when the fault recovers is marked recovered and keeps its status`, async () => {
      const a = await enroll(s.admin, ward);
      await tick(a, 3, { smart: 'failing' });
      const [t] = await ticketsOf(s, a.deviceId);
      await workTicket(await staff(), t!.id, status);
      await tick(a, 3, { smart: 'ok' });
      const after = (await ticketsOf(s, a.deviceId))[0]!;
      expect(after.status).toBe(status);
      expect(after.recoveredAt).not.toBeNull();
    });

  it('replayed and out-of-order batches never move a streak twice', async () => {
    const a = await enroll(s.admin, ward);
    const bad = [1, 2, 3].map(() => report(a, { freePct: 2, peripherals: [scanner] }));
    // The third first, then the first two, then all again: only seq 3 was evaluated fresh.
    expect((await send(a, [bad[2]!])).status).toBe(200);
    expect((await send(a, [bad[0]!, bad[1]!])).body).toMatchObject({ accepted: 2, lastSeq: 3 });
    expect((await send(a, bad)).body).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(0);
    // Two more fresh bad reports make three consecutive evaluated ones.
    await tick(a, 2, { freePct: 2 });
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
  });

  it('a batch of spooled reports is evaluated in seq order', async () => {
    const a = await enroll(s.admin, ward);
    const batch = [
      report(a, { freePct: 2 }),
      report(a, { freePct: 2 }),
      report(a, { freePct: 2 }),
      report(a),
      report(a),
      report(a),
    ].map((r) => ({ ...r, peripherals: [scanner] }));
    expect((await send(a, batch.reverse())).status).toBe(200);
    const t = await ticketsOf(s, a.deviceId);
    expect(t).toHaveLength(1);
    expect(t[0]!.status).toBe('resolved');
  });

  it.runIf(targetKind === 'node')(
    'joins the ticket another process opened when the unique index refuses a second one',
    async () => {
      const node = s.node!;
      const a = await enroll(s.admin, ward);
      const fp = `${a.deviceId}|disk_free|C:`;
      // Another process opened it: its ticket exists, but our fault rows never saw it.
      const other = await node.deps.store.write((tx) =>
        openOrJoin(tx, node.deps, {
          unitId: 'x',
          category: 'hardware',
          severity: 'minor',
          source: 'agent',
          title: 'other process',
          fingerprint: fp,
          actor: { kind: 'system', label: 'test' },
        }),
      );
      await tick(a, 3, { freePct: 2 });
      const open = await tickets(s, 'fingerprint = ?', fp);
      expect(open.map((t) => t.id)).toEqual([other]);
      expect((await events(s, other)).map((e) => e.type)).toContain('fault_observed');
      const row = await s.sql<{ ticketId: string }>(
        'SELECT ticket_id AS ticketId FROM faults WHERE fingerprint = ?',
        fp,
      );
      expect(row[0]!.ticketId).toBe(other);
    },
  );
});

// A trigger in the database simulates the failure: only the Node server's database can take one.
describe.runIf(targetKind === 'node')('when a ticket cannot be opened', () => {
  it('stores the readings, keeps the fault open, and the windows job opens the ticket later', async () => {
    const node = s.node!;
    const a = await enroll(s.admin, ward);
    // Simulate routing failing: a fingerprint-less trigger refuses ticket inserts for this device.
    // DDL goes straight to the writer connection: the write model (ADR 0203) refuses anything but
    // reads and INSERT/UPDATE/DELETE inside store.write, so the trigger cannot be made through it.
    const ddl = (q: string) => (node.deps.store as LibsqlStore).writerClient.execute(q);
    await ddl(`CREATE TRIGGER refuse_ticket BEFORE INSERT ON tickets WHEN NEW.device_id = '${a.deviceId}'
          BEGIN SELECT RAISE(ABORT, 'routing failed'); END`);
    await tick(a, 3, { freePct: 2 });
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(0);
    const dev = await s.admin.get(`/api/v1/devices/${a.deviceId}`);
    expect(dev.body.reportsReceived).toBe(3);
    expect(dev.body.status).toBe('degraded');
    await ddl('DROP TRIGGER refuse_ticket');
    const r = await windowsJob.run(node.deps, clock.now());
    expect(r.ticketsOpened).toBe(1);
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
  });
});
