/**
 * PROTOCOL.md walked end to end exactly as an outside client would: only the public HTTP API, only the
 * fields the contract names. A change that breaks a field an acceptance client relies on fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let it1: ApiClient;
let head: ApiClient;
let headId: string;
const ward = { code: '00004', name: 'Phường Ba Đình' };

beforeAll(async () => {
  s = await startTestServer();
  await createUnit(s.admin, { ...ward, level: 'commune', parentCode: 'HN' });
  it1 = (await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }])).client;
  const h = await createUser(s.admin, [{ role: 'unit_head', unitCode: ward.code }]);
  head = h.client;
  headId = h.user.id;
});
afterAll(async () => s?.stop());

const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('PROTOCOL.md, end to end', () => {
  let agent: ApiClient;
  let deviceId: string;

  it('login answers {token, user:{id, username, displayName, roles}}', async () => {
    const r = await s.anon.post('/api/v1/auth/login', {
      username: 'admin',
      password: 'admin-password-for-tests',
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.user)).toEqual(
      expect.arrayContaining(['id', 'username', 'displayName', 'roles']),
    );
  });

  it('units carry code, name, level, parentCode', async () => {
    const list = await s.admin.get('/api/v1/units');
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: ward.code, name: ward.name, level: 'commune', parentCode: 'HN' }),
      ]),
    );
    expect((await s.admin.get(`/api/v1/units/${ward.code}`)).body).toMatchObject({
      code: ward.code,
      parentCode: 'HN',
    });
  });

  it('enrolls an agent and hands it the config with an ETag', async () => {
    const tok = await it1.post(`/api/v1/units/${ward.code}/enrollment-tokens`, {});
    expect(tok.status).toBe(201);
    expect(tok.body).toMatchObject({ token: expect.any(String), unitCode: ward.code, maxUses: 50 });
    expect(tok.body.expiresAt).toMatch(iso);
    const e = await s.anon.post('/api/v1/agent/enroll', {
      enrollmentToken: tok.body.token,
      hostname: 'MC-BADINH-01',
      hardwareId: 'hw-badinh-01',
      os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
      agentVersion: '0.1.0',
    });
    expect(e.status).toBe(201);
    expect(e.body).toMatchObject({ deviceId: expect.any(String), agentToken: expect.any(String) });
    const cfg = e.body.config;
    expect(cfg).toMatchObject({
      etag: expect.any(String),
      intervalSec: 60,
      disk: { warnFreePct: 10, critFreePct: 5 },
      peripherals: { expected: [] },
    });
    expect(cfg.targets.length).toBeGreaterThan(0);
    for (const t of cfg.targets)
      expect(t).toMatchObject({
        id: expect.any(String),
        name: expect.any(String),
        kind: expect.stringMatching(/^(tcp|http)$/),
      });
    deviceId = e.body.deviceId;
    agent = s.anon.withToken(e.body.agentToken);
    const c1 = await agent.get('/api/v1/agent/config');
    expect(c1.status).toBe(200);
    const etag = c1.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await agent.get('/api/v1/agent/config', { 'if-none-match': etag! })).status).toBe(304);
  });

  it('stores reports idempotently and reports accepted/duplicates/lastSeq', async () => {
    const report = (seq: number) => ({
      seq,
      collectedAt: new Date(Date.now() - (10 - seq) * 60_000).toISOString(),
      disks: [{ mount: 'C:', fs: 'NTFS', sizeBytes: 256e9, usedBytes: 120e9, smart: 'ok' }],
      targets: [{ id: 'dichvucong', ok: true, latencyMs: 42 }],
      peripherals: [
        { kind: 'scanner', name: 'Canon DR-C225', vendorId: '04a9', productId: '1617', connected: true },
      ],
      system: { cpuLoadPct: 12, memUsedPct: 48, uptimeSec: 3600 },
      agent: { version: '0.1.0', spooled: 0 },
    });
    const batch = { reports: [report(1), report(2), report(3)] };
    const r1 = await agent.post('/api/v1/agent/reports', batch);
    expect(r1.status).toBe(200);
    expect(r1.body).toEqual({ accepted: 3, duplicates: 0, lastSeq: 3 });
    const r2 = await agent.post('/api/v1/agent/reports', batch);
    expect(r2.body).toEqual({ accepted: 0, duplicates: 3, lastSeq: 3 });
    expect((await s.anon.post('/api/v1/agent/reports', batch)).status).toBe(401);
  });

  it('lists devices with the contract fields, and shows the latest report and peripherals', async () => {
    const list = await it1.get(`/api/v1/devices?unit=${ward.code}`);
    expect(list.status).toBe(200);
    const d = list.body.items.find((x: { id: string }) => x.id === deviceId);
    expect(d).toMatchObject({
      id: deviceId,
      unitCode: ward.code,
      hostname: 'MC-BADINH-01',
      hardwareId: 'hw-badinh-01',
      os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
      agentVersion: '0.1.0',
      lastSeq: 3,
      reportsReceived: 3,
      status: 'ok',
      openTickets: 0,
    });
    expect(d.enrolledAt).toMatch(iso);
    expect(d.lastSeenAt).toMatch(iso);
    expect(list.body).toHaveProperty('nextCursor');
    const one = await it1.get(`/api/v1/devices/${deviceId}`);
    expect(one.body.latest).toMatchObject({ seq: 3 });
    expect(Array.isArray(one.body.peripherals)).toBe(true);
  });

  it('policy: own vs effective, null goes back to inheriting, and the config ETag follows', async () => {
    const before = (await agent.get('/api/v1/agent/config')).headers.get('etag');
    const put = await it1.put(`/api/v1/units/${ward.code}/policy`, { intervalSec: 120 });
    expect(put.status).toBe(200);
    const got = await it1.get(`/api/v1/units/${ward.code}/policy`);
    expect(got.body.own).toMatchObject({ intervalSec: 120 });
    expect(got.body.effective).toMatchObject({ intervalSec: 120, disk: { warnFreePct: 10, critFreePct: 5 } });
    const after = await agent.get('/api/v1/agent/config', { 'if-none-match': before! });
    expect(after.status).toBe(200);
    expect(after.body.intervalSec).toBe(120);
    await it1.put(`/api/v1/units/${ward.code}/policy`, { intervalSec: null });
    expect((await it1.get(`/api/v1/units/${ward.code}/policy`)).body.effective.intervalSec).toBe(60);
  });

  it('a manual ticket walks open → approval → resolved → closed → reopened, with the contract shape', async () => {
    const created = await it1.post('/api/v1/tickets', {
      unitCode: ward.code,
      deviceId,
      category: 'peripheral',
      severity: 'major',
      title: 'Máy quét hỏng con lăn',
    });
    expect(created.status).toBe(201);
    const t = created.body;
    expect(t).toMatchObject({
      number: expect.any(Number),
      unitCode: ward.code,
      deviceId,
      category: 'peripheral',
      severity: 'major',
      source: 'manual',
      status: 'open',
      handler: { role: 'it_staff', unitCode: 'HN' },
      approvals: [],
      escalationLevel: 0,
      routing: { ruleId: expect.any(String), matrixVersion: 1 },
    });
    expect(t.sla.respondBy).toMatch(iso);
    expect(t.sla.resolveBy).toMatch(iso);
    expect(t.routing.explanation).toBeTruthy();
    const act = (action: string, extra: Record<string, unknown> = {}, who: ApiClient = it1) =>
      who.post(`/api/v1/tickets/${t.id}/actions`, { action, ...extra });

    // Resolving before anyone took the ticket is not a transition of the contract's status chain.
    expect((await act('resolve')).status).toBe(409);
    expect((await act('acknowledge')).body.status).toBe('acknowledged');
    expect((await act('start')).body.status).toBe('in_progress');
    expect((await act('estimate', { costEstimateVnd: -5 })).status).toBe(422);
    const est = await act('estimate', { costEstimateVnd: 7_500_000, note: 'Thay con lăn' });
    expect(est.status).toBe(200);
    expect(est.body.status).toBe('awaiting_approval');
    expect(est.body.costEstimateVnd).toBe(7_500_000);
    expect(est.body.approvals).toMatchObject([{ step: 1, role: 'unit_head', unitCode: ward.code }]);

    // The estimator may not approve (even as an admin holding every role would): separation of duties.
    const self = await it1.post(`/api/v1/tickets/${t.id}/approval`, { decision: 'approve', note: 'ok' });
    expect(self.status).toBe(403);
    const ok = await head.post(`/api/v1/tickets/${t.id}/approval`, { decision: 'approve', note: 'Đồng ý' });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('approved');
    expect(ok.body.approvals[0]).toMatchObject({ decision: 'approve', by: headId });

    const resumed = await act('start');
    expect([200, 409]).toContain(resumed.status);
    expect((await act('resolve', { note: 'Đã thay' })).body.status).toBe('resolved');
    expect((await act('close')).body.status).toBe('closed');
    expect((await act('reopen', { note: 'Lỗi lại' })).body.status).toBe('open');
    expect((await act('comment')).status).toBe(422);

    const full = await it1.get(`/api/v1/tickets/${t.id}`);
    expect(full.body.events.length).toBeGreaterThanOrEqual(8);
    for (const e of full.body.events)
      expect(e).toMatchObject({ at: expect.stringMatching(iso), type: expect.any(String) });
    const list = await it1.get(`/api/v1/tickets?unit=${ward.code}&status=open`);
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(t.id);
    expect(list.body).toHaveProperty('nextCursor');
  });

  it('matrix: read, validate with explicit gap cells, refuse an invalid PUT, simulate', async () => {
    const m = await s.admin.get('/api/v1/matrix');
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ version: 1, levels: ['city', 'commune'] });
    expect(m.body.activatedAt).toMatch(iso);
    const { version: _v, activatedAt: _a, ...body } = m.body;
    const broken = { ...body, rules: body.rules.slice(1) };
    const v = await s.admin.post('/api/v1/matrix/validate', broken);
    expect(v.status).toBe(200);
    expect(v.body.valid).toBe(false);
    expect(v.body.gaps.length).toBeGreaterThan(0);
    expect(v.body.gaps[0]).toMatchObject({
      level: expect.any(String),
      category: expect.any(String),
      severity: expect.any(String),
      costBand: expect.any(Number),
    });
    const put = await s.admin.put('/api/v1/matrix', broken);
    expect(put.status).toBe(422);
    expect(put.headers.get('content-type')).toMatch(/problem\+json/);
    expect(put.body.gaps.length).toBe(v.body.gaps.length);
    expect((await s.admin.get('/api/v1/matrix')).body.version).toBe(1);
    const ok = await s.admin.put('/api/v1/matrix', body);
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);
    expect((await s.admin.get('/api/v1/matrix/versions/1')).status).toBe(200);
    const sim = await it1.post('/api/v1/matrix/simulate', {
      unitCode: ward.code,
      category: 'hardware',
      severity: 'critical',
      costEstimateVnd: 30_000_000,
    });
    expect(sim.status).toBe(200);
    expect(sim.body).toMatchObject({
      ruleId: expect.any(String),
      handler: { role: 'it_staff', unitCode: 'HN' },
    });
    expect(sim.body.approvers.length).toBe(2);
    expect(sim.body.explanation).toBeTruthy();
  });

  it('answers every 201 with the Location of what it created, readable there', async () => {
    const unit = await s.admin.post('/api/v1/units', {
      code: '00008',
      name: 'Phường Hoàn Kiếm',
      level: 'commune',
      parentCode: 'HN',
    });
    const user = await s.admin.post('/api/v1/users', {
      username: 'loc.test',
      password: TEST_PASSWORD,
      roles: [{ role: 'viewer', unitCode: '00008' }],
    });
    const ticket = await it1.post('/api/v1/tickets', {
      unitCode: '00008',
      category: 'hardware',
      severity: 'minor',
      title: 'Bàn phím quầy 2 hỏng phím Enter',
    });
    const tok = await s.admin.post('/api/v1/units/00008/enrollment-tokens', {});
    const enrolled = await s.anon.post('/api/v1/agent/enroll', {
      enrollmentToken: tok.body.token,
      hostname: 'MC-00008-01',
      hardwareId: 'LOC-1',
      os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
      agentVersion: '0.1.0',
    });
    for (const [r, path] of [
      [unit, '/api/v1/units/00008'],
      [user, `/api/v1/users/${user.body.id}`],
      [ticket, `/api/v1/tickets/${ticket.body.id}`],
      [enrolled, `/api/v1/devices/${enrolled.body.deviceId}`],
    ] as const) {
      expect(r.status).toBe(201);
      expect(r.headers.get('location')).toBe(path);
      expect((await s.admin.get(path)).status).toBe(200);
    }
  });

  it('exposes the operations endpoints', async () => {
    expect((await s.anon.get('/healthz')).status).toBe(200);
    expect((await s.anon.get('/readyz')).status).toBe(200);
    const m = await s.anon.get('/metrics');
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/onestop_reports_ingested_total/);
    expect(m.text).toMatch(/onestop_ingest_duration_seconds_bucket/);
    expect(m.text).toMatch(/# TYPE \S+ gauge/);
  });

  it('revoking the device makes its token stop working', async () => {
    expect((await it1.post(`/api/v1/devices/${deviceId}/revoke`, {})).status).toBe(200);
    expect((await agent.get('/api/v1/agent/config')).status).toBe(401);
  });

  it('the head of the ward signs in with the password set by the admin', async () => {
    expect(TEST_PASSWORD.length).toBeGreaterThanOrEqual(8);
    expect((await head.get('/api/v1/tickets')).status).toBe(200);
  });
});
