/**
 * The tree and the people of the scope tables (test/api/security*.test.ts): a 3-level tree so
 * "a district's staff reach its communes only" is exercised, with one holder of each role.
 *   HN ── D1 ── C1        roles: admin@HN, adminD1@D1, itD1@D1, viewerD1@D1, headC1@C1
 *      └─ D2 ── C2               itD2@D2, headC2@C2
 */
import { createUnit, createUser } from './factories.js';
import type { ApiClient } from './http.js';
import { startTestServer, type TestServer } from './server.js';

export interface ScopeWorld {
  s: TestServer;
  /** Signed-in clients by the names above, plus `admin` (root admin) and `anon`. */
  as: Record<string, ApiClient>;
  /** Unit codes: D1, D2, C1, C2. */
  code: Record<'D1' | 'D2' | 'C1' | 'C2', string> & Record<string, string>;
}

export async function startScopeWorld(): Promise<ScopeWorld> {
  const s = await startTestServer({ env: { ORG_LEVELS: 'city,district,commune' } });
  const unit = async (level: string, parentCode: string, name: string) =>
    (await createUnit(s.admin, { level, parentCode, name })).code;
  const D1 = await unit('district', 'HN', 'Quận Thanh Xuân');
  const D2 = await unit('district', 'HN', 'Quận Cầu Giấy');
  const C1 = await unit('commune', D1, 'Phường Khương Đình');
  const C2 = await unit('commune', D2, 'Phường Dịch Vọng');
  const holder = async (role: string, unitCode: string) =>
    (await createUser(s.admin, [{ role, unitCode }])).client;
  const as: Record<string, ApiClient> = {
    admin: s.admin,
    anon: s.anon,
    adminD1: await holder('admin', D1),
    itD1: await holder('it_staff', D1),
    viewerD1: await holder('viewer', D1),
    headC1: await holder('unit_head', C1),
    itD2: await holder('it_staff', D2),
    headC2: await holder('unit_head', C2),
  };
  return { s, as, code: { D1, D2, C1, C2 } };
}
