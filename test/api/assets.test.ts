/**
 * The equipment register through the API: assets and their status timeline, scope, agent PCs and
 * peripherals, a fault reported from a label (ticket + broken + back in use when repaired), warranty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser, unique } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { enroll, report, send, sendEach, useClock } from '../ingest/agents.js';
import { startTarget, type Target, type TargetClock } from '../targets/index.js';

let s: Target;
let clock: TargetClock;
let wardA: { code: string };
let wardB: { code: string };
let itA: ApiClient;
let headA: ApiClient;
let viewerA: ApiClient;

beforeAll(async () => {
  s = await startTarget();
  clock = s.clock;
  useClock(clock);
  wardA = await createUnit(s.admin, {
    level: 'commune',
    parentCode: 'HN',
    name: 'Phường Ba Đình',
    officers: 6,
  });
  wardB = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Ngọc Hà' });
  itA = (await createUser(s.admin, [{ role: 'it_staff', unitCode: wardA.code }])).client;
  headA = (await createUser(s.admin, [{ role: 'unit_head', unitCode: wardA.code }])).client;
  viewerA = (await createUser(s.admin, [{ role: 'viewer', unitCode: wardA.code }])).client;
});
afterAll(async () => s?.stop());

const newAsset = (c: ApiClient, body: Record<string, unknown>) =>
  c.post('/api/v1/assets', {
    unitCode: wardA.code,
    kind: 'scanner',
    name: 'Máy quét Fujitsu fi-7160',
    ...body,
  });

describe('assets', () => {
  it('creates with a generated tag, reads back, and records every status change with its time', async () => {
    const r = await newAsset(itA, { serial: 'FJ-001', priceVnd: 18_500_000, purchasedOn: '2025-09-01' });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      unitCode: wardA.code,
      kind: 'scanner',
      status: 'in_use',
      priceVnd: 18_500_000,
    });
    expect(r.body.assetTag).toMatch(/^MQ-[0-9A-Z]{6}$/);
    const id = r.body.id;
    await clock.advanceMinutes(30);
    const p = await itA.patch(`/api/v1/assets/${id}`, { status: 'under_repair', statusNote: 'kẹt giấy' });
    expect(p.status, p.text).toBe(200);
    expect(p.body.statusSince).toBe(clock.now().toISOString());
    const g = await headA.get(`/api/v1/assets/${id}`);
    expect(g.status).toBe(200);
    expect(g.body.history.map((h: { to: string }) => h.to)).toEqual(['under_repair', 'in_use']);
    expect(g.body.history[0]).toMatchObject({ from: 'in_use', note: 'kẹt giấy' });
    expect(g.body.tickets).toEqual([]);
    expect(g.body.repairCostVnd).toBe(0);
  });

  it('refuses bad input with the field named and writes nothing', async () => {
    const count = async () =>
      (
        await s.sql<{ n: number }>(
          'SELECT (SELECT count(*) FROM assets) + (SELECT count(*) FROM asset_events) + (SELECT count(*) FROM audit_events) AS n',
        )
      )[0]!.n;
    const before = await count();
    await (async () => {
      const bad = await newAsset(itA, { kind: 'toaster' });
      expect(bad.status).toBe(422);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(bad.body.errors[0].path).toBe('kind');
      const dates = await newAsset(itA, { purchasedOn: '2025-09-01', warrantyUntil: '2025-01-01' });
      expect(dates.status).toBe(422);
      expect(dates.body.errors[0].path).toBe('warrantyUntil');
      const sup = await newAsset(itA, { supplierId: 'nope' });
      expect(sup.status).toBe(422);
      expect(sup.body.errors[0].path).toBe('supplierId');
      const price = await newAsset(itA, { priceVnd: 12.5 });
      expect(price.status).toBe(422);
    })();
    expect(await count()).toBe(before);
    const tag = unique('TAG-');
    expect((await newAsset(itA, { assetTag: tag })).status).toBe(201);
    const dup = await newAsset(itA, { assetTag: tag.toLowerCase() });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toContain(tag.toLowerCase());
  });

  it('keeps scope: a unit head reads his unit only and cannot write; IT staff elsewhere see nothing', async () => {
    const mine = (await newAsset(itA, {})).body;
    expect(
      (await headA.post('/api/v1/assets', { unitCode: wardA.code, kind: 'ups', name: 'UPS' })).status,
    ).toBe(403);
    expect((await viewerA.patch(`/api/v1/assets/${mine.id}`, { name: 'x' })).status).toBe(403);
    const itB = (await createUser(s.admin, [{ role: 'it_staff', unitCode: wardB.code }])).client;
    expect((await itB.get(`/api/v1/assets/${mine.id}`)).status).toBe(404);
    const list = await itB.get('/api/v1/assets?limit=500');
    expect(list.body.items.every((a: { unitCode: string }) => a.unitCode === wardB.code)).toBe(true);
    expect(
      (await itB.post('/api/v1/assets', { unitCode: wardA.code, kind: 'ups', name: 'UPS' })).status,
    ).toBe(404);
    const filtered = await headA.get(`/api/v1/assets?unit=${wardA.code}&kind=scanner&q=fujitsu`);
    expect(filtered.status).toBe(200);
    expect(filtered.body.items.length).toBeGreaterThan(0);
    expect(filtered.body.items.every((a: { kind: string }) => a.kind === 'scanner')).toBe(true);
  });

  it('registers an enrolled PC automatically, once, and offers its peripherals to confirm, never twice', async () => {
    const first = await enroll(s.admin, wardB.code, { hostname: 'MOTCUA-NH-01', hardwareId: unique('HW') });
    const agent = await enroll(s.admin, wardB.code, {
      hostname: 'MOTCUA-NH-01',
      hardwareId: first.hardwareId,
    });
    expect(agent.deviceId).toBe(first.deviceId);
    const pcs = await s.admin.get(`/api/v1/assets?unit=${wardB.code}&kind=pc`);
    expect(pcs.body.items.filter((a: { deviceId: string }) => a.deviceId === agent.deviceId)).toHaveLength(1);
    expect(pcs.body.items[0]).toMatchObject({ name: 'MOTCUA-NH-01', status: 'in_use' });

    const r = await send(agent, [
      report(agent, {
        peripherals: [
          { kind: 'scanner', name: 'Canon DR-C225', vendorId: '04a9', productId: '1658', connected: true },
          { kind: 'camera', name: 'Webcam', connected: true },
        ],
      }),
    ]);
    expect(r.status, r.text).toBe(200);
    const sug = await s.admin.get(`/api/v1/assets/suggestions?unit=${wardB.code}`);
    expect(sug.status).toBe(200);
    expect(sug.body.items).toHaveLength(1); // a webcam does not belong in the register
    const one = sug.body.items[0];
    expect(one).toMatchObject({ kind: 'scanner', name: 'Canon DR-C225', hostname: 'MOTCUA-NH-01' });
    const c = await s.admin.post('/api/v1/assets', {
      unitCode: wardB.code,
      kind: 'scanner',
      name: one.name,
      peripheralRef: one.peripheralRef,
    });
    expect(c.status, c.text).toBe(201);
    expect((await s.admin.get(`/api/v1/assets/suggestions?unit=${wardB.code}`)).body.items).toHaveLength(0);
    const again = await s.admin.post('/api/v1/assets', {
      unitCode: wardB.code,
      kind: 'scanner',
      name: one.name,
      peripheralRef: one.peripheralRef,
    });
    expect(again.status).toBe(409);
  });
});

describe('a fault reported from the label', () => {
  it('opens one ticket linked to the asset, marks it broken, names the supplier under warranty, and puts it back in use when repaired', async () => {
    const sup = await s.admin.post('/api/v1/suppliers', {
      name: 'Công ty TNHH Thiết bị Văn phòng Thăng Long',
      phone: '024 0000 1234',
      taxCode: '0101234567',
    });
    expect(sup.status, sup.text).toBe(201);
    const a = (
      await newAsset(itA, {
        kind: 'photocopier',
        name: 'Máy photocopy Ricoh MP 3055',
        warrantyUntil: '2027-01-31',
        supplierId: sup.body.id,
      })
    ).body;
    expect(a.warranty).toBe('in_warranty');
    const bad = await headA.post(`/api/v1/assets/${a.id}/report`, { description: '' });
    expect(bad.status).toBe(422);
    const t = await headA.post(`/api/v1/assets/${a.id}/report`, { description: 'Kẹt giấy, báo lỗi SC542' });
    expect(t.status, t.text).toBe(201);
    expect(t.body).toMatchObject({ source: 'manual', category: 'peripheral', status: 'open' });
    expect(t.body.description).toContain('Thăng Long');
    expect(t.body.description).toContain('31/01/2027');
    const dup = await headA.post(`/api/v1/assets/${a.id}/report`, { description: 'Vẫn hỏng' });
    expect(dup.status).toBe(409);
    expect(dup.body.ticketId).toBe(t.body.id);
    const g = await itA.get(`/api/v1/assets/${a.id}`);
    expect(g.body.status).toBe('broken');
    expect(g.body.tickets.map((x: { id: string }) => x.id)).toEqual([t.body.id]);
    expect(g.body.history[0]).toMatchObject({ to: 'broken', ticketId: t.body.id });

    for (const action of [
      { action: 'acknowledge' },
      { action: 'start' },
      { action: 'estimate', costEstimateVnd: 1_200_000 },
    ])
      expect((await s.admin.post(`/api/v1/tickets/${t.body.id}/actions`, action)).status).toBe(200);
    const res = await s.admin.post(`/api/v1/tickets/${t.body.id}/actions`, {
      action: 'resolve',
      note: 'Thay trục sấy',
    });
    expect(res.status, res.text).toBe(200);
    const after = await itA.get(`/api/v1/assets/${a.id}`);
    expect(after.body.status).toBe('in_use');
    expect(after.body.repairCostVnd).toBe(1_200_000);
    expect(after.body.history[0]).toMatchObject({ from: 'broken', to: 'in_use', ticketId: t.body.id });
  });

  it('is refused to a viewer and for retired equipment', async () => {
    const a = (await newAsset(itA, { status: 'retired' })).body;
    expect((await viewerA.post(`/api/v1/assets/${a.id}/report`, { description: 'hỏng' })).status).toBe(403);
    expect((await headA.post(`/api/v1/assets/${a.id}/report`, { description: 'hỏng' })).status).toBe(409);
    const rows = await s.sql<{ n: number }>('SELECT count(*) AS n FROM tickets WHERE asset_id = ?', a.id);
    expect(Number(rows[0]!.n)).toBe(0);
  });
});

describe('a PC under warranty', () => {
  it("an agent-detected hardware fault is in the PC's repair history and names the supplier to call", async () => {
    const agent = await enroll(s.admin, wardA.code, { hostname: 'MOTCUA-BD-07', hardwareId: unique('HW') });
    const pc = (await s.admin.get(`/api/v1/assets?unit=${wardA.code}&kind=pc&q=MOTCUA-BD-07`)).body.items[0];
    const sup = await s.admin.post('/api/v1/suppliers', {
      name: 'Công ty CP Máy tính Hà Nội',
      phone: '024 0000 5678',
    });
    const p = await itA.patch(`/api/v1/assets/${pc.id}`, {
      warrantyUntil: '2028-06-30',
      supplierId: sup.body.id,
      serial: 'PF3X9ABC',
    });
    expect(p.status, p.text).toBe(200);
    for (let i = 0; i < 3; i++) {
      await clock.advanceMinutes(1);
      await sendEach(agent, 1, { smart: 'failing' });
    }
    const detail = (await itA.get(`/api/v1/assets/${pc.id}`)).body;
    expect(detail.tickets).toHaveLength(1);
    const t = (await itA.get(`/api/v1/tickets/${detail.tickets[0].id}`)).body;
    expect(t.source).toBe('agent');
    expect(t.description).toContain('Công ty CP Máy tính Hà Nội, ĐT 024 0000 5678');
    expect(t.description).toContain('30/06/2028');
  });
});

describe('importing a register (CSV, every engine)', () => {
  it('commits 2,000 rows in one write, or nothing when a row is bad', async () => {
    const header = 'Đơn vị (mã),Loại,Tên thiết bị,Số sê-ri,Giá (VND),Trạng thái';
    const rows = Array.from(
      { length: 2000 },
      (_, i) =>
        `${wardB.code},Máy quét,Máy quét Canon DR-C225 số ${i + 1},CN-${100000 + i},"8.900.000",Đang dùng`,
    );
    const post = (body: string, dryRun: string) =>
      fetch(`${s.url}/api/v1/assets/import?dryRun=${dryRun}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.admin.token}`, 'content-type': 'text/csv' },
        body,
      });
    const count = async () =>
      Number(
        (await s.sql<{ n: number }>('SELECT count(*) AS n FROM assets WHERE serial LIKE ?', 'CN-%'))[0]!.n,
      );
    const bad = await post(
      `\uFEFF${[header, ...rows.slice(0, 9), `${wardB.code},Lò vi sóng,X,,0,Đang dùng`].join('\n')}`,
      '0',
    );
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { errors: unknown[] };
    expect(problem.errors).toEqual([expect.objectContaining({ line: 11, column: 'Loại' })]);
    expect(await count()).toBe(0);
    const ok = await post(`\uFEFF${[header, ...rows].join('\n')}`, '0');
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(await ok.json()).toMatchObject({ rows: 2000, created: 2000, errors: [] });
    expect(await count()).toBe(2000);
  });
});
