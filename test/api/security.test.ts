/**
 * Endpoint × role × scope → expected status, for every route of the core. A 3-level tree (city,
 * district, commune) so "IT staff of a district reaches its communes" is exercised.
 *   HN ── D1 ── C1 (commune)      roles: admin@HN, adminD1@D1, itD1@D1, viewerD1@D1, headC1@C1
 *      └─ D2 ── C2 (commune)             itD2@D2, headC2@C2
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { type ScopeWorld, startScopeWorld } from '../helpers/scope-world.js';
import type { TestServer } from '../helpers/server.js';

let s: TestServer;
let as: Record<string, ApiClient>;
let code: ScopeWorld['code'];

beforeAll(async () => {
  ({ s, as, code } = await startScopeWorld());
});
afterAll(async () => s?.stop());

type Call = (c: ApiClient) => Promise<{ status: number; text: string }>;
const cases: { name: string; call: Call; expect: Record<string, number> }[] = [
  {
    name: 'GET /units/:C1',
    call: (c) => c.get(`/api/v1/units/${code.C1}`),
    expect: {
      admin: 200,
      adminD1: 200,
      itD1: 200,
      viewerD1: 200,
      headC1: 200,
      itD2: 404,
      headC2: 404,
      anon: 401,
    },
  },
  {
    name: 'GET /units/:D1',
    call: (c) => c.get(`/api/v1/units/${code.D1}`),
    expect: {
      admin: 200,
      adminD1: 200,
      itD1: 200,
      viewerD1: 200,
      headC1: 404,
      itD2: 404,
      headC2: 404,
      anon: 401,
    },
  },
  {
    name: 'POST /units under D1',
    call: (c) =>
      c.post('/api/v1/units', { code: unique('N'), name: 'Xã mới', level: 'commune', parentCode: code.D1 }),
    expect: {
      admin: 201,
      adminD1: 201,
      itD1: 403,
      viewerD1: 403,
      headC1: 403,
      itD2: 403,
      headC2: 403,
      anon: 401,
    },
  },
  {
    name: 'PATCH /units/:C1',
    call: (c) => c.patch(`/api/v1/units/${code.C1}`, { name: 'Phường Khương Đình (mới)' }),
    expect: {
      admin: 200,
      adminD1: 200,
      itD1: 403,
      viewerD1: 403,
      headC1: 403,
      itD2: 404,
      headC2: 404,
      anon: 401,
    },
  },
  {
    name: 'POST /units/:C1/enrollment-tokens',
    call: (c) => c.post(`/api/v1/units/${code.C1}/enrollment-tokens`, { expiresInHours: 1, maxUses: 1 }),
    expect: {
      admin: 201,
      adminD1: 201,
      itD1: 201,
      viewerD1: 403,
      headC1: 403,
      itD2: 404,
      headC2: 404,
      anon: 401,
    },
  },
  {
    name: 'POST /users with a role at C1',
    call: (c) =>
      c.post('/api/v1/users', {
        username: unique('u').toLowerCase(),
        password: 'long-enough-password',
        roles: [{ role: 'viewer', unitCode: code.C1 }],
      }),
    expect: {
      admin: 201,
      adminD1: 201,
      itD1: 403,
      viewerD1: 403,
      headC1: 403,
      itD2: 403,
      headC2: 403,
      anon: 401,
    },
  },
  {
    name: 'POST /users with a role at C2 (outside adminD1)',
    call: (c) =>
      c.post('/api/v1/users', {
        username: unique('u').toLowerCase(),
        password: 'long-enough-password',
        roles: [{ role: 'viewer', unitCode: code.C2 }],
      }),
    expect: { admin: 201, adminD1: 403 },
  },
  {
    name: 'GET /users',
    call: (c) => c.get('/api/v1/users'),
    expect: { admin: 200, adminD1: 200, itD1: 403, viewerD1: 403, headC1: 403, itD2: 403, anon: 401 },
  },
];

describe('authorisation table', () => {
  for (const tc of cases) {
    for (const [who, status] of Object.entries(tc.expect)) {
      it(`${tc.name} as ${who} → ${status}`, async () => {
        const r = await tc.call(as[who]!);
        expect(r.status, r.text).toBe(status);
      });
    }
  }
});

describe('scoped lists', () => {
  const codesOf = (r: { body: { items: { code: string }[] } }) => r.body.items.map((u) => u.code).sort();

  it('a unit head lists only its own unit', async () => {
    expect(codesOf(await as.headC1!.get('/api/v1/units'))).toEqual([code.C1]);
  });

  it('district IT staff list their district and its communes, not the neighbour', async () => {
    const codes = codesOf(await as.itD1!.get('/api/v1/units'));
    expect(codes).toContain(code.D1);
    expect(codes).toContain(code.C1);
    expect(codes).not.toContain(code.D2);
    expect(codes).not.toContain(code.C2);
    expect(codes).not.toContain('HN');
  });

  it('a district admin lists only users holding roles inside the district', async () => {
    const r = await as.adminD1!.get('/api/v1/users?limit=500');
    const roles = r.body.items.flatMap((u: { roles: { unitCode: string }[] }) =>
      u.roles.map((x) => x.unitCode),
    );
    expect(roles.length).toBeGreaterThan(0);
    expect(roles).not.toContain(code.C2);
    expect(roles).not.toContain('HN');
  });

  it('paginates with an opaque cursor and no duplicates', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { items: { code: string }[]; nextCursor: string | null } } = await s.admin.get(
        `/api/v1/units?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...r.body.items.map((u) => u.code));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });
});
