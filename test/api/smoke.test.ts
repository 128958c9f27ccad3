import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.stop());

describe('smoke', () => {
  it('serves health, readiness and the bootstrapped root', async () => {
    expect((await s.anon.get('/healthz')).status).toBe(200);
    const ready = await s.anon.get('/readyz');
    expect(ready.status).toBe(200);
    const units = await s.admin.get('/api/v1/units');
    expect(units.status).toBe(200);
    expect(units.body.items.map((u: { code: string }) => u.code)).toEqual(['HN']);
  });

  it('creates a commune and a unit head who sees only it', async () => {
    const ward = await createUnit(s.admin, {
      code: '00004',
      name: 'Phường Ba Đình',
      level: 'commune',
      parentCode: 'HN',
    });
    const other = await createUnit(s.admin, {
      code: '00008',
      name: 'Phường Ngọc Hà',
      level: 'commune',
      parentCode: 'HN',
    });
    const { client } = await createUser(s.admin, [{ role: 'unit_head', unitCode: ward.code }]);
    const list = await client.get('/api/v1/units');
    expect(list.body.items.map((u: { code: string }) => u.code)).toEqual(['00004']);
    expect((await client.get(`/api/v1/units/${other.code}`)).status).toBe(404);
  });
});
