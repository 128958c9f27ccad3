/**
 * Security table for the agent, device, policy and maintenance-window routes:
 * endpoint × role × scope → status. Roles are held at ward A; "itB" is IT staff of another ward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/clock.js';
import { createUnit, createUser } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { enroll, report, useClock } from '../ingest/agents.js';

let s: TestServer;
const clock = new ManualClock('2026-03-02T02:00:00Z');
useClock(clock);
let wardA: string;
let clients: Record<Who, ApiClient>;

type Who = 'admin' | 'itA' | 'viewerA' | 'headA' | 'itB' | 'anon';
const WHO: Who[] = ['admin', 'itA', 'viewerA', 'headA', 'itB', 'anon'];

beforeAll(async () => {
  s = await startTestServer({ clock });
  wardA = (
    await createUnit(s.admin, { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' })
  ).code;
  const wardB = (
    await createUnit(s.admin, { code: '00008', name: 'Phường Ngọc Hà', level: 'commune', parentCode: 'HN' })
  ).code;
  clients = {
    admin: s.admin,
    itA: (await createUser(s.admin, [{ role: 'it_staff', unitCode: wardA }])).client,
    viewerA: (await createUser(s.admin, [{ role: 'viewer', unitCode: wardA }])).client,
    headA: (await createUser(s.admin, [{ role: 'unit_head', unitCode: wardA }])).client,
    itB: (await createUser(s.admin, [{ role: 'it_staff', unitCode: wardB }])).client,
    anon: s.anon,
  };
});
afterAll(async () => s?.stop());

const window = () => ({
  unitCode: wardA,
  startsAt: clock.now().toISOString(),
  endsAt: new Date(clock.now().getTime() + 3600_000).toISOString(),
  reason: 'Kiểm tra bảo mật',
});

interface Row {
  name: string;
  /** Builds the request afresh for each caller (state-changing routes need their own target). */
  req: () => Promise<{ method: string; path: string; body?: unknown }>;
  expect: Record<Who, number>;
}

const ROWS: Row[] = [
  {
    name: 'GET /devices',
    req: async () => ({ method: 'GET', path: '/api/v1/devices' }),
    expect: { admin: 200, itA: 200, viewerA: 200, headA: 200, itB: 200, anon: 401 },
  },
  {
    name: 'GET /devices?unit=A',
    req: async () => ({ method: 'GET', path: `/api/v1/devices?unit=${wardA}` }),
    expect: { admin: 200, itA: 200, viewerA: 200, headA: 200, itB: 404, anon: 401 },
  },
  {
    name: 'GET /devices/:id',
    req: async () => ({ method: 'GET', path: `/api/v1/devices/${(await enroll(s.admin, wardA)).deviceId}` }),
    expect: { admin: 200, itA: 200, viewerA: 200, headA: 200, itB: 404, anon: 401 },
  },
  {
    name: 'POST /devices/:id/revoke',
    req: async () => ({
      method: 'POST',
      path: `/api/v1/devices/${(await enroll(s.admin, wardA)).deviceId}/revoke`,
      body: {},
    }),
    expect: { admin: 200, itA: 200, viewerA: 403, headA: 403, itB: 404, anon: 401 },
  },
  {
    name: 'GET /devices/:id/policy',
    req: async () => ({
      method: 'GET',
      path: `/api/v1/devices/${(await enroll(s.admin, wardA)).deviceId}/policy`,
    }),
    expect: { admin: 200, itA: 200, viewerA: 200, headA: 200, itB: 404, anon: 401 },
  },
  {
    name: 'PUT /devices/:id/policy',
    req: async () => ({
      method: 'PUT',
      path: `/api/v1/devices/${(await enroll(s.admin, wardA)).deviceId}/policy`,
      body: { recoverAfter: 2 },
    }),
    expect: { admin: 200, itA: 200, viewerA: 403, headA: 403, itB: 404, anon: 401 },
  },
  {
    name: 'GET /units/A/policy',
    req: async () => ({ method: 'GET', path: `/api/v1/units/${wardA}/policy` }),
    expect: { admin: 200, itA: 200, viewerA: 200, headA: 200, itB: 404, anon: 401 },
  },
  {
    name: 'PUT /units/A/policy',
    req: async () => ({ method: 'PUT', path: `/api/v1/units/${wardA}/policy`, body: { openAfter: 3 } }),
    expect: { admin: 200, itA: 200, viewerA: 403, headA: 403, itB: 404, anon: 401 },
  },
  {
    name: 'PUT /units/HN/policy (root)',
    req: async () => ({ method: 'PUT', path: '/api/v1/units/HN/policy', body: { openAfter: 3 } }),
    expect: { admin: 200, itA: 404, viewerA: 404, headA: 404, itB: 404, anon: 401 },
  },
  {
    name: 'POST /maintenance-windows',
    req: async () => ({ method: 'POST', path: '/api/v1/maintenance-windows', body: window() }),
    expect: { admin: 201, itA: 201, viewerA: 403, headA: 403, itB: 404, anon: 401 },
  },
  {
    name: 'GET /maintenance-windows',
    req: async () => ({ method: 'GET', path: '/api/v1/maintenance-windows' }),
    expect: { admin: 200, itA: 200, viewerA: 200, headA: 200, itB: 200, anon: 401 },
  },
  {
    name: 'DELETE /maintenance-windows/:id',
    req: async () => ({
      method: 'DELETE',
      path: `/api/v1/maintenance-windows/${(await s.admin.post('/api/v1/maintenance-windows', window())).body.id}`,
    }),
    expect: { admin: 200, itA: 200, viewerA: 403, headA: 403, itB: 404, anon: 401 },
  },
];

describe('security table', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const got: Record<string, number> = {};
      for (const who of WHO) {
        const r = await row.req();
        got[who] = (await clients[who].request(r.method, r.path, r.body)).status;
      }
      expect(got).toEqual(row.expect);
    });
  }

  it('lists only devices in scope', async () => {
    const b = await enroll(s.admin, '00008');
    const itA = await clients.itA.get('/api/v1/devices?limit=500');
    expect(itA.body.items.every((d: { unitCode: string }) => d.unitCode === wardA)).toBe(true);
    expect(itA.body.items.some((d: { id: string }) => d.id === b.deviceId)).toBe(false);
    const itB = await clients.itB.get('/api/v1/devices?limit=500');
    expect(itB.body.items.map((d: { id: string }) => d.id)).toEqual([b.deviceId]);
  });

  it('paginates the device list', async () => {
    const all = await clients.admin.get('/api/v1/devices?limit=500');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await clients.admin.get(
        `/api/v1/devices?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((d) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((d: { id: string }) => d.id));
    expect((await clients.admin.get('/api/v1/devices?status=broken')).status).toBe(422);
    expect((await clients.admin.get('/api/v1/devices?cursor=zzz')).status).toBe(422);
  });

  it('agent routes take agent tokens only', async () => {
    const a = await enroll(s.admin, wardA);
    for (const who of WHO) {
      expect((await clients[who].get('/api/v1/agent/config')).status, who).toBe(401);
      expect((await clients[who].post('/api/v1/agent/reports', { reports: [report(a)] })).status, who).toBe(
        401,
      );
    }
    // …and an agent token opens no user route.
    expect((await a.client.get('/api/v1/devices')).status).toBe(401);
    expect((await a.client.get(`/api/v1/units/${wardA}/policy`)).status).toBe(401);
  });
});
