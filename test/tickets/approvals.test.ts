/**
 * The approval chain over HTTP: order, wrong-unit heads, separation of duties, rejection, deputies
 * (leave and vacancy), concurrent decisions and transitions (one wins, the other gets 409).
 * Black box: runs against the Node server and the Workers build (test/targets).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { startTarget, type Target, type TargetClock } from '../targets/index.js';

let s: Target;
let clock: TargetClock;
type U = { user: { id: string; username: string }; client: ApiClient };
let it1: U;
let it2: U;
let headBD: U;
let headBD2: U;
let headNH: U;
let cityHead: U;
let viewer: U;
let viewerNH: U;

beforeAll(async () => {
  s = await startTarget({ start: '2026-03-02T02:00:00Z' }); // Monday 09:00 in Hanoi
  clock = s.clock;
  await createUnit(s.admin, { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' });
  await createUnit(s.admin, { code: '00008', name: 'Phường Ngọc Hà', level: 'commune', parentCode: 'HN' });
  it1 = await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }]);
  it2 = await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }]);
  headBD = await createUser(s.admin, [{ role: 'unit_head', unitCode: '00004' }]);
  headBD2 = await createUser(s.admin, [{ role: 'unit_head', unitCode: '00004' }]);
  headNH = await createUser(s.admin, [{ role: 'unit_head', unitCode: '00008' }]);
  cityHead = await createUser(s.admin, [{ role: 'unit_head', unitCode: 'HN' }]);
  viewer = await createUser(s.admin, [{ role: 'viewer', unitCode: 'HN' }]);
  viewerNH = await createUser(s.admin, [{ role: 'viewer', unitCode: '00008' }]);
});
afterAll(async () => s?.stop());

/** A ticket at Ba Đình estimated at `cost` by `by` (default it1). */
async function estimated(cost: number, by: ApiClient = it1.client) {
  const t = await by.post('/api/v1/tickets', {
    unitCode: '00004',
    category: 'hardware',
    severity: 'major',
    title: 'Máy quét hồ sơ không nhận lệnh',
  });
  expect(t.status).toBe(201);
  for (const a of [
    { action: 'acknowledge' },
    { action: 'start' },
    { action: 'estimate', costEstimateVnd: cost },
  ]) {
    const r = await by.post(`/api/v1/tickets/${t.body.id}/actions`, a);
    expect(r.status, r.text).toBe(200);
  }
  return t.body.id as string;
}

const approve = (c: ApiClient, id: string, note = 'Đồng ý') =>
  c.post(`/api/v1/tickets/${id}/approval`, { decision: 'approve', note });

describe('approval chain', () => {
  it('runs in order: commune head, then city head; wrong holders get 403', async () => {
    const id = await estimated(25_000_000); // band 2: unit head of the commune, then of the city
    let t = (await s.admin.get(`/api/v1/tickets/${id}`)).body;
    expect(t.status).toBe('awaiting_approval');
    expect(t.routing.ruleId).toBe('commune-major-b2-3');
    expect(t.approvals.map((a: any) => `${a.step}:${a.role}@${a.unitCode}`)).toEqual([
      '1:unit_head@00004',
      '2:unit_head@HN',
    ]);
    expect(t.approvals[0].dueAt).toBe('2026-03-02T10:00:00.000Z'); // 480 working minutes: 17:00 Hanoi
    expect(t.sla.clock).toBe('paused');

    // The city head is in the chain but not at this step; the head of another ward is not in it at all.
    for (const wrong of [cityHead, headNH, it2, viewer]) {
      const r = await approve(wrong.client, id);
      expect(r.status, `${wrong.user.username}: ${r.text}`).toBe(403);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    // Someone with no approving role and no view of the ticket gets the plain 404.
    expect((await approve(viewerNH.client, id)).status).toBe(404);

    const r1 = await approve(headBD.client, id, 'Đồng ý sửa');
    expect(r1.status).toBe(200);
    expect(r1.body.status).toBe('awaiting_approval');
    expect(r1.body.approvals[0]).toMatchObject({
      decision: 'approve',
      by: headBD.user.id,
      note: 'Đồng ý sửa',
    });
    expect(r1.body.approvals[1].dueAt).toBeTruthy();

    const r2 = await approve(cityHead.client, id);
    expect(r2.status).toBe(200);
    expect(r2.body.status).toBe('approved');
    expect(r2.body.sla.clock).toBe('running');

    expect((await approve(cityHead.client, id)).status).toBe(409); // nothing left to decide

    t = (await s.admin.get(`/api/v1/tickets/${id}`)).body;
    const approvals = t.events.filter((e: any) => e.type === 'approval');
    expect(approvals.map((e: any) => [e.actor, e.data.step, e.data.decision])).toEqual([
      [headBD.user.username, 1, 'approve'],
      [cityHead.user.username, 2, 'approve'],
    ]);
    expect((await it1.client.post(`/api/v1/tickets/${id}/actions`, { action: 'start' })).body.status).toBe(
      'in_progress',
    );
    expect((await it1.client.post(`/api/v1/tickets/${id}/actions`, { action: 'resolve' })).body.status).toBe(
      'resolved',
    );
    expect((await headBD.client.post(`/api/v1/tickets/${id}/actions`, { action: 'close' })).body.status).toBe(
      'closed',
    );
  });

  it('a city head sees the commune ticket it must approve, and only while it is in a chain', async () => {
    const id = await estimated(30_000_000);
    expect((await cityHead.client.get(`/api/v1/tickets/${id}`)).status).toBe(200);
    const mine = await cityHead.client.get('/api/v1/tickets?mine=1');
    expect(mine.body.items.map((x: any) => x.id)).not.toContain(id); // step 1 is the ward head's
    await approve(headBD.client, id);
    const mine2 = await cityHead.client.get('/api/v1/tickets?mine=1');
    expect(mine2.body.items.map((x: any) => x.id)).toContain(id);
    const small = await estimated(1_000_000); // band 0: no approvals
    expect((await cityHead.client.get(`/api/v1/tickets/${small}`)).status).toBe(404);
    expect((await headNH.client.get(`/api/v1/tickets/${id}`)).status).toBe(404);
  });

  it('the user who entered the estimate may not approve it (separation of duties)', async () => {
    const both = await createUser(s.admin, [
      { role: 'it_staff', unitCode: 'HN' },
      { role: 'unit_head', unitCode: '00004' },
    ]);
    const id = await estimated(6_000_000, both.client); // band 1: the ward head only
    const r = await approve(both.client, id);
    expect(r.status).toBe(403);
    expect(r.body.detail).toMatch(/dự toán|estimate/);
    expect((await approve(headBD.client, id)).body.status).toBe('approved');
  });

  it('a rejection ends the chain; a new estimate starts a new round', async () => {
    const id = await estimated(25_000_000);
    expect(
      (await headBD.client.post(`/api/v1/tickets/${id}/approval`, { decision: 'reject', note: '' })).status,
    ).toBe(422);
    const r = await headBD.client.post(`/api/v1/tickets/${id}/approval`, {
      decision: 'reject',
      note: 'Quá đắt, hãy dùng máy dự phòng',
    });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('rejected');
    expect(r.body.approvals[1].decision).toBeUndefined();
    expect((await approve(cityHead.client, id)).status).toBe(409);
    const again = await it1.client.post(`/api/v1/tickets/${id}/actions`, {
      action: 'estimate',
      costEstimateVnd: 3_000_000,
    });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('in_progress');
    expect(again.body.approvals).toEqual([]);
    expect(again.body.routing.ruleId).toBe('commune-major-b0');
  });

  it('an estimate on first assessment (ticket still open) starts the chain too', async () => {
    const t = await it1.client.post('/api/v1/tickets', {
      unitCode: '00004',
      category: 'peripheral',
      severity: 'minor',
      title: 'Camera quầy mờ',
    });
    const r = await it1.client.post(`/api/v1/tickets/${t.body.id}/actions`, {
      action: 'estimate',
      costEstimateVnd: 5_000_000,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'awaiting_approval', routing: { ruleId: 'commune-minor-b1' } });
    expect(r.body.sla.respondedAt).toBeTruthy();
    expect((await approve(headBD.client, t.body.id)).body.status).toBe('approved');
    const small = await it1.client.post('/api/v1/tickets', {
      unitCode: '00004',
      category: 'peripheral',
      severity: 'minor',
      title: 'Chuột hỏng',
    });
    const r2 = await it1.client.post(`/api/v1/tickets/${small.body.id}/actions`, {
      action: 'estimate',
      costEstimateVnd: 4_999_999,
    });
    expect(r2.body.status).toBe('open');
  });

  it('two holders deciding the same step at once: one wins, the other gets 409', async () => {
    const id = await estimated(6_000_000);
    const [a, b] = await Promise.all([approve(headBD.client, id), approve(headBD2.client, id)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const t = (await s.admin.get(`/api/v1/tickets/${id}`)).body;
    expect(t.events.filter((e: any) => e.type === 'approval')).toHaveLength(1);
  });

  it('two concurrent transitions: one wins, the other gets 409 and writes nothing', async () => {
    const t = await it1.client.post('/api/v1/tickets', {
      unitCode: '00004',
      category: 'network',
      severity: 'critical',
      title: 'Mất mạng',
    });
    const id = t.body.id;
    const results = await Promise.all([
      it1.client.post(`/api/v1/tickets/${id}/actions`, { action: 'acknowledge' }),
      it2.client.post(`/api/v1/tickets/${id}/actions`, { action: 'acknowledge' }),
      it2.client.post(`/api/v1/tickets/${id}/actions`, { action: 'acknowledge' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const d = (await s.admin.get(`/api/v1/tickets/${id}`)).body;
    expect(d.events.map((e: any) => e.type)).toEqual(['opened', 'acknowledge']);
  });

  it('notifies the step holders and lets them mark it read', async () => {
    const id = await estimated(7_000_000);
    const n = await headBD2.client.get('/api/v1/notifications?unread=1');
    const mine = n.body.items.filter((x: any) => x.ticketId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0].kind).toBe('approval_requested');
    const r = await headBD2.client.post(`/api/v1/notifications/${mine[0].id}/read`);
    expect(r.body.marked).toBe(1);
    expect((await headBD2.client.post(`/api/v1/notifications/${mine[0].id}/read`)).body.marked).toBe(0);
    // Someone else cannot mark it.
    expect((await headBD.client.post('/api/v1/notifications/read', { ids: [mine[0].id] })).body.marked).toBe(
      0,
    );
  });
});

describe('deputies', () => {
  it('a deputy approves during the delegation, recorded as deputy of the principal; not before or after', async () => {
    const dep = await createUser(s.admin, []);
    const start = clock.now();
    const d = await headBD.client.post('/api/v1/deputies', {
      deputyId: dep.user.id,
      role: 'unit_head',
      unitCode: '00004',
      startsAt: new Date(start.getTime() + 3_600_000).toISOString(),
      endsAt: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
      reason: 'Nghỉ phép',
    });
    expect(d.status, d.text).toBe(201);
    expect(d.body).toMatchObject({ principalId: headBD.user.id, deputyId: dep.user.id, active: false });

    const id = await estimated(8_000_000);
    expect((await approve(dep.client, id)).status).toBe(404); // not yet a deputy: sees nothing
    await clock.advanceMinutes(61);
    const r = await approve(dep.client, id, 'Duyệt thay');
    expect(r.status, r.text).toBe(200);
    expect(r.body.approvals[0]).toMatchObject({
      by: dep.user.id,
      asDeputyOf: headBD.user.id,
      asDeputyOfName: headBD.user.username,
    });
    const ev = (await s.admin.get(`/api/v1/tickets/${id}`)).body.events.find(
      (e: any) => e.type === 'approval',
    );
    expect(ev.actor).toContain(`as deputy of ${headBD.user.username}`);
    expect(ev.data.asDeputyOf).toBe(headBD.user.id);

    const later = await estimated(8_000_000);
    await clock.advanceMinutes(120); // the delegation ended (sessions last 12 h, so the clock moves little)
    expect((await approve(dep.client, later)).status).toBe(404);
    expect((await approve(headBD.client, later)).status).toBe(200);
  });

  it('only the principal or an administrator may delegate; revoking ends it at once', async () => {
    const dep = await createUser(s.admin, []);
    const body = {
      deputyId: dep.user.id,
      role: 'unit_head',
      unitCode: '00004',
      startsAt: clock.now().toISOString(),
      endsAt: new Date(clock.now().getTime() + 86_400_000).toISOString(),
    };
    expect((await it2.client.post('/api/v1/deputies', body)).status).toBe(403);
    expect((await headNH.client.post('/api/v1/deputies', body)).status).toBe(422); // 00004 is not visible to them
    expect((await headBD.client.post('/api/v1/deputies', { ...body, endsAt: body.startsAt })).status).toBe(
      422,
    );
    expect((await headBD.client.post('/api/v1/deputies', { ...body, deputyId: headBD.user.id })).status).toBe(
      422,
    );
    const made = await s.admin.post('/api/v1/deputies', { ...body, principalId: headBD2.user.id });
    expect(made.status).toBe(201);
    const listed = await dep.client.get('/api/v1/deputies?active=1');
    expect(listed.body.items.map((x: any) => x.id)).toEqual([made.body.id]);
    const id = await estimated(9_000_000);
    expect((await headBD.client.request('DELETE', `/api/v1/deputies/${made.body.id}`)).status).toBe(404); // not theirs
    expect((await s.admin.request('DELETE', `/api/v1/deputies/${made.body.id}`)).body.revokedAt).toBeTruthy();
    expect((await approve(dep.client, id)).status).toBe(404);
  });

  it('an acting holder of a vacant post decides as such', async () => {
    const acting = await createUser(s.admin, [{ role: 'it_staff', unitCode: '00008' }]);
    const made = await s.admin.post('/api/v1/deputies', {
      deputyId: acting.user.id,
      role: 'unit_head',
      unitCode: '00004',
      startsAt: clock.now().toISOString(),
      endsAt: new Date(clock.now().getTime() + 86_400_000).toISOString(),
      reason: 'Khuyết chủ tịch phường',
    });
    expect(made.body.principalId).toBeNull();
    const id = await estimated(9_000_000);
    const r = await approve(acting.client, id);
    expect(r.status).toBe(200);
    expect(r.body.approvals[0].asDeputyOf).toBe('vacancy');
  });
});
