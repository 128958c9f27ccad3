/**
 * Tickets over HTTP: manual tickets, listing (filters, scope, cursor pages), actions and their errors,
 * assignment to the handler's queue, waiting for parts, the tamper-evident timeline, the ticket-core
 * contract used by detection, and calendar corrections replaying SLA deadlines.
 * Black box on both targets (test/targets); editing the database file and calling ticket-core run on
 * the Node server only.
 */
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingMinutes, compileCalendar } from '../../server/domain/calendar.js';
import { defaultCalendar } from '../../server/domain/calendar-defaults.js';
import { openTicket, systemChange } from '../../server/services/ticket-core.js';
import { createUnit, createUser } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { ADMIN_PASSWORD, startTarget, type Target, type TargetClock, targetKind } from '../targets/index.js';

let s: Target;
let clock: TargetClock;
type U = { user: { id: string; username: string }; client: ApiClient };
let it1: U;
let it2: U;
let headBD: U;
let headNH: U;
let viewer: U;
let bdId: string;
const HANOI = compileCalendar(defaultCalendar());

beforeAll(async () => {
  s = await startTarget({ start: '2026-03-02T02:00:00Z' }); // Monday 09:00 in Hanoi
  clock = s.clock;
  bdId = (
    await createUnit(s.admin, { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' })
  ).id;
  await createUnit(s.admin, { code: '00008', name: 'Phường Ngọc Hà', level: 'commune', parentCode: 'HN' });
  it1 = await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }]);
  it2 = await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }]);
  headBD = await createUser(s.admin, [{ role: 'unit_head', unitCode: '00004' }]);
  headNH = await createUser(s.admin, [{ role: 'unit_head', unitCode: '00008' }]);
  viewer = await createUser(s.admin, [{ role: 'viewer', unitCode: 'HN' }]);
});
afterAll(async () => s?.stop());

const open = (c: ApiClient, unitCode: string, extra: Record<string, unknown> = {}) =>
  c.post('/api/v1/tickets', {
    unitCode,
    category: 'peripheral',
    severity: 'major',
    title: 'Máy in phiếu hẹn kẹt giấy',
    ...extra,
  });
const act = (c: ApiClient, id: string, body: Record<string, unknown>) =>
  c.post(`/api/v1/tickets/${id}/actions`, body);

describe('manual tickets', () => {
  it('opens a routed ticket with SLA targets in working time', async () => {
    const r = await open(headBD.client, '00004', { description: 'Kẹt giấy liên tục từ sáng' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      number: expect.any(Number),
      unitCode: '00004',
      source: 'manual',
      status: 'open',
      handler: { role: 'it_staff', unitCode: 'HN' },
      approvals: [],
      escalationLevel: 0,
      routing: { ruleId: 'commune-major-b0', matrixVersion: 1 },
      sla: { respondBy: '2026-03-02T06:00:00.000Z', resolveBy: '2026-03-04T08:00:00.000Z' },
    });
    expect(r.body.routing.explanation.vi).toContain('commune-major-b0');
  });

  it.each([
    [{ unitCode: '00004', category: 'printer', severity: 'major', title: 'x' }, 422, 'category'],
    [{ unitCode: '00004', category: 'peripheral', severity: 'urgent', title: 'x' }, 422, 'severity'],
    [{ unitCode: '00004', category: 'peripheral', severity: 'major', title: '' }, 422, 'title'],
    [{ unitCode: 'NOPE', category: 'peripheral', severity: 'major', title: 'x' }, 422, 'unitCode'],
    [
      { unitCode: '00004', category: 'peripheral', severity: 'major', title: 'x', deviceId: 'nope' },
      422,
      'deviceId',
    ],
  ])('refuses %j with %i naming %s', async (body, status, path) => {
    const r = await headBD.client.post('/api/v1/tickets', body);
    expect(r.status).toBe(status);
    expect(r.body.errors.map((e: any) => e.path)).toContain(path);
  });

  it('refuses units outside the caller scope and roles that may not open tickets', async () => {
    expect((await open(headNH.client, '00004')).status).toBe(422); // cannot even see 00004
    expect((await open(viewer.client, '00004')).status).toBe(403);
    expect((await s.anon.post('/api/v1/tickets', {})).status).toBe(401);
    const ct = await headBD.client.request('POST', '/api/v1/tickets', 'unitCode=00004', {
      'content-type': 'text/plain',
    });
    expect(ct.status).toBe(415);
    const bad = await headBD.client.request('POST', '/api/v1/tickets', '{"unitCode":', {});
    expect(bad.status).toBe(400);
  });
});

describe('listing', () => {
  it('lists newest first in cursor pages, filtered, within scope', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      await clock.advance(1000);
      ids.push(
        (await open(it1.client, i % 2 ? '00008' : '00004', { category: i === 4 ? 'network' : 'peripheral' }))
          .body.id,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = await it1.client.get(`/api/v1/tickets?limit=2${q}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((t: any) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 5)).toEqual([...ids].reverse());

    const nh = await headNH.client.get('/api/v1/tickets');
    expect(nh.body.items.every((t: any) => t.unitCode === '00008')).toBe(true);
    expect(nh.body.items).toHaveLength(2);
    expect((await headNH.client.get(`/api/v1/tickets/${ids[0]}`)).status).toBe(404);
    expect((await headNH.client.get(`/api/v1/tickets/${ids[1]}`)).status).toBe(200);

    expect(
      (await it1.client.get('/api/v1/tickets?category=network')).body.items.map((t: any) => t.id),
    ).toEqual([ids[4]]);
    const byUnit = (await it1.client.get('/api/v1/tickets?unit=00008')).body.items;
    expect(byUnit.every((t: any) => t.unitCode === '00008')).toBe(true);
    await act(it1.client, ids[0]!, { action: 'acknowledge' });
    expect(
      (await it1.client.get('/api/v1/tickets?status=acknowledged')).body.items.map((t: any) => t.id),
    ).toEqual([ids[0]]);
    expect((await it1.client.get('/api/v1/tickets?status=bogus')).status).toBe(422);
    expect((await it1.client.get('/api/v1/tickets?cursor=garbage')).status).toBe(422);
    expect((await it1.client.get('/api/v1/tickets?limit=501')).status).toBe(422);
    expect((await it1.client.get('/api/v1/tickets/does-not-exist')).status).toBe(404);
  });
});

describe('actions', () => {
  it('follows the state machine; bad bodies are 422, wrong statuses 409, wrong roles 403', async () => {
    const id = (await open(headBD.client, '00004')).body.id;
    const early = await act(it1.client, id, { action: 'resolve' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ status: 409, ticketStatus: 'open' });
    expect(early.headers.get('content-type')).toContain('application/problem+json');
    expect((await act(it1.client, id, { action: 'fly' })).status).toBe(422);
    expect((await act(it1.client, id, { action: 'estimate' })).status).toBe(422);
    expect((await act(it1.client, id, { action: 'comment' })).status).toBe(422);
    expect((await act(viewer.client, id, { action: 'acknowledge' })).status).toBe(403);
    expect((await act(headBD.client, id, { action: 'acknowledge' })).status).toBe(403);
    expect((await act(headNH.client, id, { action: 'comment', note: 'x' })).status).toBe(404);

    const ack = await act(it1.client, id, { action: 'acknowledge', note: 'Đã nhận, sẽ đến trong 1 giờ' });
    expect(ack.body.status).toBe('acknowledged');
    expect(ack.body.sla.respondedAt).toBeTruthy();
    expect((await act(it1.client, id, { action: 'start' })).body.status).toBe('in_progress');
    const neg = await act(it1.client, id, { action: 'estimate', costEstimateVnd: -5 });
    expect(neg.status).toBe(422);
    expect(neg.body.errors[0].path).toBe('costEstimateVnd');
    expect((await act(headBD.client, id, { action: 'comment', note: 'Cảm ơn anh' })).status).toBe(200);

    // Waiting for parts pauses the resolution clock.
    const before = (await it1.client.get(`/api/v1/tickets/${id}`)).body.sla.resolveBy;
    expect(
      (await act(it1.client, id, { action: 'wait_parts', note: 'Chờ trục cuốn giấy' })).body.sla.clock,
    ).toBe('paused');
    await clock.advanceMinutes(120);
    const resumed = await act(it1.client, id, { action: 'start' });
    expect(resumed.body.sla.clock).toBe('running');
    expect(resumed.body.sla.pausedMinutes).toBe(120);
    // The deadline moves by the 120 working minutes spent waiting (here across the end of a day).
    expect(resumed.body.sla.resolveBy).toBe(
      new Date(addWorkingMinutes(HANOI, Date.parse(before), 120)).toISOString(),
    );
    expect(resumed.body.sla.resolveBy).not.toBe(new Date(Date.parse(before) + 120 * 60_000).toISOString());

    expect((await act(it1.client, id, { action: 'resolve' })).body.status).toBe('resolved');
    expect((await act(it1.client, id, { action: 'resolve' })).status).toBe(409);
    expect((await act(headBD.client, id, { action: 'reopen', note: 'Vẫn kẹt' })).body.status).toBe('open');
    const d = (await it1.client.get(`/api/v1/tickets/${id}`)).body;
    expect(d.events.map((e: any) => e.type)).toEqual([
      'opened',
      'acknowledge',
      'start',
      'comment',
      'wait_parts',
      'start',
      'resolve',
      'reopen',
    ]);
    expect(d.events[1]).toMatchObject({
      actor: it1.user.username,
      data: { note: 'Đã nhận, sẽ đến trong 1 giờ' },
    });
  });

  it('assigns only to people in the handler queue', async () => {
    const id = (await open(headBD.client, '00004')).body.id;
    const wrong = await act(it1.client, id, { action: 'assign', assigneeId: headBD.user.id });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].path).toBe('assigneeId');
    expect((await act(it1.client, id, { action: 'assign', assigneeId: 'nobody' })).status).toBe(422);
    const ok = await act(it1.client, id, { action: 'assign', assigneeId: it2.user.id });
    expect(ok.status).toBe(200);
    expect(ok.body.assigneeId).toBe(it2.user.id);
    expect(ok.body.status).toBe('open');
    const mine = await it2.client.get('/api/v1/tickets?mine=1');
    expect(mine.body.items.map((t: any) => t.id)).toContain(id);
    const n = await it2.client.get('/api/v1/notifications');
    expect(n.body.items.find((x: any) => x.ticketId === id)?.kind).toBe('assigned');
    const self = await act(it1.client, id, { action: 'assign' }); // no assigneeId: take it yourself
    expect(self.body.assigneeId).toBe(it1.user.id);
  });
});

describe('timeline tamper evidence', () => {
  /** A ticket with three events whose chain verifies, seen by its unit head and hidden from others. */
  async function verifiedTicket(): Promise<string> {
    const id = (await open(headBD.client, '00004')).body.id;
    await act(it1.client, id, { action: 'acknowledge', note: 'ok' });
    await act(it1.client, id, { action: 'comment', note: 'Đã thay trục cuốn' });
    const v = await headBD.client.get(`/api/v1/tickets/${id}/verify`);
    expect(v.body).toMatchObject({ ok: true, events: 3 });
    expect((await headNH.client.get(`/api/v1/tickets/${id}/verify`)).status).toBe(404);
    return id;
  }

  it('verifies the hash chain', async () => {
    await verifiedTicket();
  });

  // Editing the stored timeline needs write access to the database file: the Node server's only.
  it.runIf(targetKind === 'node')('detects an edited event', async () => {
    const id = await verifiedTicket();
    const db = createClient({ url: `file:${s.node!.dbPath}` });
    try {
      await db.execute({
        sql: `UPDATE ticket_events SET data = '{"note":"Chưa làm gì"}' WHERE ticket_id = ? AND seq = 3`,
        args: [id],
      });
      const broken = await headBD.client.get(`/api/v1/tickets/${id}/verify`);
      expect(broken.body).toMatchObject({ ok: false, brokenAt: 3 });
      await db.execute({ sql: 'DELETE FROM ticket_events WHERE ticket_id = ? AND seq = 2', args: [id] });
      expect((await headBD.client.get(`/api/v1/tickets/${id}/verify`)).body).toMatchObject({
        ok: false,
        brokenAt: 3,
      });
    } finally {
      db.close();
    }
  });
});

describe.runIf(targetKind === 'node')('ticket-core contract (what detection calls, in process)', () => {
  it('opens an agent ticket with evidence, auto-resolves, reopens; never loses an unroutable reading', async () => {
    const deps = s.node!.deps;
    const system = { kind: 'system' as const, label: 'detector' };
    const { id } = await deps.store.write((tx) =>
      openTicket(tx, deps, {
        unitId: bdId,
        category: 'hardware',
        severity: 'critical',
        source: 'agent',
        title: 'Ổ đĩa C: còn 2% dung lượng',
        fingerprint: `dev1|disk|C:${Date.now()}`,
        evidence: [{ seq: 41, freePct: 2 }],
        actor: system,
      }),
    );
    const d = await it1.client.get(`/api/v1/tickets/${id}`);
    expect(d.body).toMatchObject({ source: 'agent', routing: { ruleId: 'commune-critical-b0' } });
    expect(d.body.evidence).toEqual([{ seq: 41, freePct: 2 }]);
    expect(
      await deps.store.write((tx) => systemChange(tx, deps, id, 'auto_resolve', system, { seq: 45 })),
    ).toBe(true);
    expect(await deps.store.write((tx) => systemChange(tx, deps, id, 'auto_resolve', system))).toBe(false);
    expect(await deps.store.write((tx) => systemChange(tx, deps, id, 'reopen', system))).toBe(true);
    const after = (await it1.client.get(`/api/v1/tickets/${id}`)).body;
    expect(after.status).toBe('open');
    expect(after.events.map((e: any) => e.type)).toEqual(['opened', 'auto_resolve', 'reopen']);
    expect(after.events[1].actorKind).toBe('system');

    const unroutable = await deps.store.write((tx) =>
      openTicket(tx, deps, {
        unitId: bdId,
        category: 'printer',
        severity: 'major',
        source: 'agent',
        title: 'x',
        actor: system,
      }),
    );
    expect(unroutable.ruleId).toBe('(unrouted)');
    expect((await it1.client.get(`/api/v1/tickets/${unroutable.id}`)).body.handler).toEqual({
      role: 'it_staff',
      unitCode: 'HN',
    });
  });
});

describe('calendar', () => {
  it('lets an administrator correct holidays as data; live tickets are replayed', async () => {
    await clock.set('2026-03-09T02:00:00Z'); // Monday 9 March, 09:00 Hanoi
    // Sessions are 12 h: sign in again after moving the clock a week.
    const admin = await s.anon.login('admin', ADMIN_PASSWORD);
    const t = await admin.post('/api/v1/tickets', {
      unitCode: '00004',
      category: 'network',
      severity: 'major',
      title: 'Mất mạng',
    });
    expect(t.body.sla.respondBy).toBe('2026-03-09T06:00:00.000Z');
    const w = (
      await admin.post('/api/v1/tickets', {
        unitCode: '00004',
        category: 'network',
        severity: 'major',
        title: 'Thay bộ chuyển mạch',
      })
    ).body.id;
    for (const a of [
      { action: 'acknowledge' },
      { action: 'start' },
      { action: 'estimate', costEstimateVnd: 9_000_000 },
    ])
      expect((await admin.post(`/api/v1/tickets/${w}/actions`, a)).status).toBe(200);
    expect((await admin.get(`/api/v1/tickets/${w}`)).body.approvals[0].dueAt).toBe(
      '2026-03-09T10:00:00.000Z',
    ); // 17:00
    const cal = await admin.get('/api/v1/calendar');
    expect(cal.status).toBe(200);
    expect(cal.body.workingHours).toEqual([{ from: '08:00', to: '17:00' }]);
    expect(cal.body.holidays).toContainEqual(
      expect.objectContaining({ date: '2026-02-17', status: 'official' }),
    );
    const { unitCode: _u, updatedAt: _t, ...body } = cal.body;
    const corrected = {
      ...body,
      holidays: [
        ...body.holidays,
        { date: '2026-03-09', name: { vi: 'Nghỉ đột xuất', en: 'Unplanned closure' } },
      ],
    };
    const put = await admin.put('/api/v1/calendar', corrected);
    expect(put.status, put.text).toBe(200);
    expect(put.body.ticketsReplayed).toBeGreaterThan(0);
    const after = await admin.get(`/api/v1/tickets/${t.body.id}`);
    expect(after.body.sla.respondBy).toBe('2026-03-10T05:00:00.000Z'); // Tue 08:00 + 4 h
    // The pending approval step is recounted too: 480 minutes from Tue 08:00.
    expect((await admin.get(`/api/v1/tickets/${w}`)).body.approvals[0].dueAt).toBe(
      '2026-03-10T09:00:00.000Z',
    );

    const bad = await admin.put('/api/v1/calendar', {
      ...body,
      workingHours: [{ from: '17:00', to: '08:00' }],
    });
    expect(bad.status).toBe(422);
    const it3 = await s.anon.login(it1.user.username, 'mật-khẩu-thử-nghiệm');
    expect((await it3.put('/api/v1/calendar', corrected)).status).toBe(403);
    expect((await it3.get('/api/v1/calendar')).status).toBe(200);
  });
});
