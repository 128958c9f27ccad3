/** The matrix over HTTP: versions, 422 with cells, open tickets keep their rule, units stay routable. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('2-level organisation (the default ORG_LEVELS)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await createUnit(s.admin, { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' });
  });
  afterAll(async () => s?.stop());

  const withoutMeta = (m: any) => {
    const { version: _v, activatedAt: _a, activatedBy: _b, ...body } = m;
    return body;
  };

  it('serves the active default with its version, and refuses an invalid one with 422 and the cells', async () => {
    const m = await s.admin.get('/api/v1/matrix');
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ version: 1, levels: ['city', 'commune'], legalBasis: '' });
    expect(typeof m.body.activatedAt).toBe('string');

    const body = withoutMeta(m.body);
    const gappy = { ...body, rules: body.rules.filter((r: any) => r.id !== 'commune-minor-b1') };
    const r = await s.admin.put('/api/v1/matrix', gappy);
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.gaps).toHaveLength(6); // 6 categories × (commune, minor, band 1)
    expect(r.body.gaps).toContainEqual({
      level: 'commune',
      category: 'network',
      severity: 'minor',
      costBand: 1,
    });
    expect(r.body.overlaps).toEqual([]);
    expect(r.body.unresolved).toEqual([]);

    const overlapping = { ...body, rules: [...body.rules, { ...body.rules[0], id: 'dup' }] };
    const o = await s.admin.put('/api/v1/matrix', overlapping);
    expect(o.status).toBe(422);
    expect(o.body.overlaps[0].ruleIds).toEqual([body.rules[0].id, 'dup']);

    const district = {
      ...body,
      rules: body.rules.map((x: any) => ({ ...x, handler: { role: 'it_staff', at: 'level:district' } })),
    };
    const d = await s.admin.put('/api/v1/matrix', district);
    expect(d.status).toBe(422);
    expect(d.body.errors[0].path).toMatch(/^rules\.\d+\.handler\.at$/);

    expect((await s.admin.get('/api/v1/matrix')).body.version).toBe(1); // the active one stays
  });

  it('activates a valid version; old versions stay readable; open tickets keep the rule they were routed by', async () => {
    const it1 = await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }]);
    const before = await it1.client.post('/api/v1/tickets', {
      unitCode: '00004',
      category: 'network',
      severity: 'minor',
      title: 'Chậm mạng',
    });
    expect(before.body.routing).toMatchObject({ ruleId: 'commune-minor-b0', matrixVersion: 1 });

    const v1 = (await s.admin.get('/api/v1/matrix')).body;
    const body = withoutMeta(v1);
    const next = {
      ...body,
      name: 'Ma trận 2026 (sửa ngưỡng)',
      legalBasis: 'Quyết định phân cấp (ví dụ trong kiểm thử)',
      costBandsVnd: [0, 10_000_000, 30_000_000, 150_000_000],
      rules: body.rules.map((r: any) => ({ ...r, id: `v2-${r.id}` })),
    };
    const put = await s.admin.put('/api/v1/matrix', next);
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ version: 2, name: 'Ma trận 2026 (sửa ngưỡng)' });
    expect(Array.isArray(put.body.warnings)).toBe(true);

    expect((await s.admin.get('/api/v1/matrix')).body.version).toBe(2);
    const old = await s.admin.get('/api/v1/matrix/versions/1');
    expect(old.status).toBe(200);
    expect(old.body.costBandsVnd).toEqual([0, 5_000_000, 20_000_000, 100_000_000]);
    expect((await s.admin.get('/api/v1/matrix/versions/99')).status).toBe(404);
    expect((await s.admin.get('/api/v1/matrix/versions/abc')).status).toBe(422);

    const kept = await s.admin.get(`/api/v1/tickets/${before.body.id}`);
    expect(kept.body.routing).toMatchObject({ ruleId: 'commune-minor-b0', matrixVersion: 1 });

    const after = await it1.client.post('/api/v1/tickets', {
      unitCode: '00004',
      category: 'network',
      severity: 'minor',
      title: 'Chậm mạng lần 2',
    });
    expect(after.body.routing).toMatchObject({ ruleId: 'v2-commune-minor-b0', matrixVersion: 2 });
    expect(after.body.routing.explanation.vi).toContain('Quyết định phân cấp');

    // The next estimate re-routes the old ticket with the new version (7 M is band 0 there).
    for (const a of ['acknowledge', 'start'])
      await it1.client.post(`/api/v1/tickets/${before.body.id}/actions`, { action: a });
    const est = await it1.client.post(`/api/v1/tickets/${before.body.id}/actions`, {
      action: 'estimate',
      costEstimateVnd: 7_000_000,
    });
    expect(est.body.routing).toMatchObject({ ruleId: 'v2-commune-minor-b0', matrixVersion: 2 });
    expect(est.body.status).toBe('in_progress');
  });

  it('validates without activating, with unstaffed places as warnings', async () => {
    const body = withoutMeta((await s.admin.get('/api/v1/matrix')).body);
    const ok = await s.admin.post('/api/v1/matrix/validate', body);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ valid: true, gaps: [], overlaps: [], unresolved: [] });
    // Nobody holds unit_head at 00004 yet.
    expect(ok.body.warnings).toContainEqual(
      expect.objectContaining({ role: 'unit_head', unitCode: '00004' }),
    );
    const bad = await s.admin.post('/api/v1/matrix/validate', { ...body, rules: body.rules.slice(1) });
    expect(bad.status).toBe(200);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.gaps.length).toBeGreaterThan(0);
    expect((await s.admin.get('/api/v1/matrix')).body.version).toBe(2);
    expect((await s.admin.post('/api/v1/matrix/validate', { ...body, levels: 'city' })).status).toBe(422);
  });

  it('simulates a routing decision with the explanation, without writing anything', async () => {
    const r = await s.admin.post('/api/v1/matrix/simulate', {
      unitCode: '00004',
      category: 'peripheral',
      severity: 'critical',
      costEstimateVnd: 12_000_000,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      ruleId: 'v2-commune-critical-b1',
      handler: { role: 'it_staff', unitCode: 'HN' },
      approvers: [{ role: 'unit_head', unitCode: '00004' }],
      sla: { respondMinutes: 60, resolveMinutes: 480, approveMinutes: 240 },
    });
    expect(r.body.explanation.vi).toContain('12.000.000 ₫');
    expect(r.body.explanation.en).toContain('12,000,000 VND');
    expect(
      (
        await s.admin.post('/api/v1/matrix/simulate', {
          unitCode: '00004',
          category: 'printer',
          severity: 'minor',
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await s.admin.post('/api/v1/matrix/simulate', {
          unitCode: 'NOPE',
          category: 'network',
          severity: 'minor',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await s.admin.post('/api/v1/matrix/simulate', {
          unitCode: '00004',
          category: 'network',
          severity: 'minor',
          costEstimateVnd: -1,
        })
      ).status,
    ).toBe(422);
  });
});

describe('3-level organisation (ORG_LEVELS=city,district,commune)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { ORG_LEVELS: 'city,district,commune' } });
  });
  afterAll(async () => s?.stop());

  it('installs the 3-level default and refuses a commune that would have no district to route to', async () => {
    const m = await s.admin.get('/api/v1/matrix');
    expect(m.body.levels).toEqual(['city', 'district', 'commune']);
    await createUnit(s.admin, {
      code: 'HN-TX',
      name: 'Thị xã Sơn Tây (cũ)',
      level: 'district',
      parentCode: 'HN',
    });
    const ok = await s.admin.post('/api/v1/units', {
      code: 'HN-TX-KD',
      name: 'Xã Kim Đường',
      level: 'commune',
      parentCode: 'HN-TX',
    });
    expect(ok.status).toBe(201);
    const orphan = await s.admin.post('/api/v1/units', {
      code: 'HN-XX',
      name: 'Xã thử',
      level: 'commune',
      parentCode: 'HN',
    });
    expect(orphan.status).toBe(422);
    expect(orphan.body.rules.length).toBeGreaterThan(0);
    expect(orphan.body.detail).toMatch(/commune-/);
    expect((await s.admin.get('/api/v1/units/HN-XX')).status).toBe(404);

    // Moving the commune out from under its district is refused the same way.
    const move = await s.admin.patch('/api/v1/units/HN-TX-KD', { parentCode: 'HN' });
    expect(move.status).toBe(422);

    const sim = await s.admin.post('/api/v1/matrix/simulate', {
      unitCode: 'HN-TX-KD',
      category: 'hardware',
      severity: 'major',
      costEstimateVnd: 150_000_000,
    });
    expect(sim.body.handler).toEqual({ role: 'it_staff', unitCode: 'HN-TX' });
    expect(sim.body.approvers.map((a: any) => a.unitCode)).toEqual(['HN-TX-KD', 'HN-TX', 'HN']);
  });

  it('refuses a 2-level matrix while district units exist (they could not be routed)', async () => {
    const body = (await s.admin.get('/api/v1/matrix')).body;
    const { version: _v, activatedAt: _a, activatedBy: _b, ...m } = body;
    const twoLevel = {
      ...m,
      levels: ['city', 'commune'],
      rules: [
        {
          id: 'all',
          when: { level: '*', category: '*', severity: '*', costBand: '*' },
          handler: { role: 'it_staff', at: 'root' },
          approvers: [],
          sla: { respondMinutes: 60, resolveMinutes: 600, approveMinutes: 60 },
          escalation: [],
        },
      ],
    };
    const r = await s.admin.put('/api/v1/matrix', twoLevel);
    expect(r.status).toBe(422);
    expect(r.body.unresolved).toContainEqual(expect.objectContaining({ unitCode: 'HN-TX', ruleId: '*' }));
  });
});
