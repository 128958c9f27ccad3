/**
 * Archiving a unit: refused (409, naming every blocker, nothing written) while sub-units, devices,
 * unresolved tickets, role grants or delegations remain; once clear, the unit leaves every lookup
 * and list, its enrollment tokens stop working, and the change is audited.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/clock.js';
import { expectNothingWritten } from '../helpers/db.js';
import { createUnit, createUser } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { enroll, enrollmentToken } from '../ingest/agents.js';

const clock = new ManualClock('2026-03-02T02:00:00Z');
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ clock, env: { ORG_LEVELS: 'city,district,commune' } });
});
afterAll(async () => s?.stop());

const archive = (code: string) => s.admin.post(`/api/v1/units/${code}/archive`);

describe('POST /units/:code/archive', () => {
  it('archives an empty ward: gone from lookups and lists, tokens revoked, audited', async () => {
    const ward = await createUnit(s.admin, { level: 'district', parentCode: 'HN', name: 'Phường Tây Hồ' });
    const token = await enrollmentToken(s.admin, ward.code);
    const r = await archive(ward.code);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      code: ward.code,
      parentCode: 'HN',
      archivedAt: clock.now().toISOString(),
    });
    expect((await s.admin.get(`/api/v1/units/${ward.code}`)).status).toBe(404);
    const list = await s.admin.get('/api/v1/units?limit=500');
    expect(list.body.items.map((u: { code: string }) => u.code)).not.toContain(ward.code);
    const enrol = await s.anon.post('/api/v1/agent/enroll', {
      enrollmentToken: token,
      hostname: 'MOTCUA-TH-01',
      hardwareId: 'HW-TAYHO-1',
      os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
      agentVersion: '0.1.0',
    });
    expect(enrol.status).toBe(401);
    const audit = await s.deps.store.read.all(
      sql`SELECT action FROM audit_events WHERE action = 'unit.archive' AND target_id = ${r.body.id}`,
    );
    expect(audit).toHaveLength(1);
    // A second archive finds nothing to archive; the code stays taken (history refers to it).
    expect((await archive(ward.code)).status).toBe(404);
    expect(
      (await s.admin.post('/api/v1/units', { code: ward.code, name: 'x', level: 'district' })).status,
    ).toBe(409);
  });

  it('names every blocker in the 409 and writes nothing', async () => {
    const district = await createUnit(s.admin, {
      level: 'district',
      parentCode: 'HN',
      name: 'Quận Hai Bà Trưng',
    });
    const ward = await createUnit(s.admin, {
      level: 'commune',
      parentCode: district.code,
      name: 'Phường Bạch Mai',
    });
    const { client: it1 } = await createUser(s.admin, [{ role: 'it_staff', unitCode: ward.code }]);
    await createUser(s.admin, [{ role: 'unit_head', unitCode: ward.code }]);
    const agent = await enroll(s.admin, ward.code);
    const t = await it1.post('/api/v1/tickets', {
      unitCode: ward.code,
      category: 'hardware',
      severity: 'minor',
      title: 'Máy in quầy 2 kẹt giấy',
    });
    expect(t.status, t.text).toBe(201);
    const copier = await s.admin.post('/api/v1/assets', {
      unitCode: ward.code,
      kind: 'photocopier',
      name: 'Máy photocopy Canon iR 2625',
    });
    expect(copier.status, copier.text).toBe(201);

    await expectNothingWritten(s.deps, async () => {
      const r = await archive(ward.code);
      expect(r.status).toBe(409);
      expect(r.body.blockers).toMatchObject({
        devices: 1,
        assets: 1,
        liveTickets: 1,
        roleGrants: 2,
        subUnits: 0,
      });
      expect(r.body.detail).toMatch(/1 thiết bị trong sổ chưa chuyển đi hoặc thanh lý/);
      expect(r.body.detail).toMatch(/1 máy trạm chưa thu hồi/);
      expect(r.body.detail).toMatch(/1 phiếu sự cố chưa giải quyết/);
      expect(r.body.detail).toMatch(/2 vai trò đang giao/);
      const up = await archive(district.code);
      expect(up.status).toBe(409);
      expect(up.body.blockers.subUnits).toBe(1);
      const en = await s.admin.post(`/api/v1/units/${ward.code}/archive`, undefined, {
        'accept-language': 'en',
      });
      expect(en.body.detail).toMatch(/1 device\(s\) not revoked/);
    });
    expect((await s.admin.get(`/api/v1/units/${ward.code}`)).status).toBe(200);

    // Clear each blocker through the API; then it goes.
    expect((await s.admin.post(`/api/v1/devices/${agent.deviceId}/revoke`)).status).toBe(200);
    expect((await s.admin.patch(`/api/v1/assets/${copier.body.id}`, { status: 'retired' })).status).toBe(200);
    const act = (action: string, extra = {}) =>
      it1.post(`/api/v1/tickets/${t.body.id}/actions`, { action, ...extra });
    expect((await act('acknowledge')).status).toBe(200);
    expect((await act('start')).status).toBe(200);
    expect((await act('resolve', { note: 'Đã gỡ giấy kẹt' })).status).toBe(200);
    const users = (await s.admin.get('/api/v1/users?limit=500')).body.items.filter(
      (u: { roles: { unitCode: string }[] }) => u.roles.some((r) => r.unitCode === ward.code),
    );
    for (const u of users)
      expect((await s.admin.patch(`/api/v1/users/${u.id}`, { roles: [] })).status).toBe(200);
    const ok = await archive(ward.code);
    expect(ok.status, ok.text).toBe(200);
    expect((await archive(district.code)).status).toBe(200);
  });

  it('refuses the root', async () => {
    await expectNothingWritten(s.deps, async () => {
      const r = await archive('HN');
      expect(r.status).toBe(409);
      expect(r.body.detail).toMatch(/đơn vị gốc/);
    });
  });
});
