/**
 * Endpoint × role × scope → expected status for the account and unit lifecycle routes, over a
 * 3-level tree (city, district, commune) so "a district admin reaches its communes only" is exercised.
 *   HN ── D1 ── C1        roles: admin@HN, adminD1@D1, itD1@D1, viewerD1@D1, headC1@C1
 *      └─ D2 ── C2               itD2@D2, headC2@C2
 * Targets: userC1 (viewer@C1), userC2 (viewer@C2), userBoth (viewer@C1 and viewer@C2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { type ScopeWorld, startScopeWorld } from '../helpers/scope-world.js';
import type { TestServer } from '../helpers/server.js';

let s: TestServer;
let as: Record<string, ApiClient>;
let code: ScopeWorld['code'];
const id: Record<string, string> = {};

beforeAll(async () => {
  ({ s, as, code } = await startScopeWorld());
  id.C1 = (await createUser(s.admin, [{ role: 'viewer', unitCode: code.C1 }])).user.id;
  id.C2 = (await createUser(s.admin, [{ role: 'viewer', unitCode: code.C2 }])).user.id;
  id.both = (
    await createUser(s.admin, [
      { role: 'viewer', unitCode: code.C1 },
      { role: 'viewer', unitCode: code.C2 },
    ])
  ).user.id;
  id.adminSession = (await s.admin.get('/api/v1/auth/sessions')).body.items[0].id;
});
afterAll(async () => s?.stop());

/** A fresh commune under `parent` for each archive call (a unit can be archived once). */
const freshUnder = async (parent: string) =>
  (await createUnit(s.admin, { level: 'commune', parentCode: code[parent] })).code;

type Call = (c: ApiClient) => Promise<{ status: number; text: string }>;
const cases: { name: string; call: Call; expect: Record<string, number> }[] = [
  {
    name: 'GET /users/:userC1',
    call: (c) => c.get(`/api/v1/users/${id.C1}`),
    expect: { admin: 200, adminD1: 200, itD1: 404, viewerD1: 404, headC1: 404, itD2: 404, anon: 401 },
  },
  {
    name: 'PATCH /users/:userC1 (rename)',
    call: (c) => c.patch(`/api/v1/users/${id.C1}`, { displayName: 'Phạm Văn Bình' }),
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
    name: 'PATCH /users/:userC2 (rename)',
    call: (c) => c.patch(`/api/v1/users/${id.C2}`, { displayName: 'Hoàng Thị Lan' }),
    expect: { admin: 200, adminD1: 404, itD1: 404, headC1: 404, itD2: 403, headC2: 403, anon: 401 },
  },
  {
    name: 'PATCH /users/:userBoth (a grant outside the district)',
    call: (c) => c.patch(`/api/v1/users/${id.both}`, { disabled: false }),
    expect: { admin: 200, adminD1: 403, itD1: 403, itD2: 403, anon: 401 },
  },
  {
    name: 'PATCH /users/:userC1 granting at C2',
    call: (c) =>
      c.patch(`/api/v1/users/${id.C1}`, {
        roles: [
          { role: 'viewer', unitCode: code.C1 },
          { role: 'viewer', unitCode: code.C2 },
        ],
      }),
    expect: { adminD1: 403, itD1: 403 },
  },
  {
    name: 'PATCH /users/:userC1 reset password',
    call: (c) =>
      c.patch(`/api/v1/users/${id.C1}`, { password: 'mật khẩu đặt lại', mustChangePassword: true }),
    expect: { admin: 200, adminD1: 200, itD1: 403, headC1: 403, itD2: 404, anon: 401 },
  },
  {
    name: 'POST /auth/password (wrong current password)',
    call: (c) => c.post('/api/v1/auth/password', { currentPassword: 'x', newPassword: 'y'.repeat(12) }),
    expect: { anon: 401, viewerD1: 422 },
  },
  {
    name: 'GET /auth/sessions',
    call: (c) => c.get('/api/v1/auth/sessions'),
    expect: { admin: 200, adminD1: 200, itD1: 200, viewerD1: 200, headC1: 200, anon: 401 },
  },
  {
    name: 'DELETE /auth/sessions/:admin’s session',
    call: (c) => c.request('DELETE', `/api/v1/auth/sessions/${id.adminSession}`),
    expect: { adminD1: 404, itD1: 404, headC1: 404, anon: 401 },
  },
  {
    name: 'PATCH /units/:C1 (move under D2)',
    call: (c) => c.patch(`/api/v1/units/${code.C1}`, { parentCode: code.D2 }),
    expect: { adminD1: 403, itD1: 403, itD2: 404, headC2: 404, anon: 401 },
  },
  {
    name: 'POST /units/:fresh-under-D1/archive',
    call: async (c) => c.post(`/api/v1/units/${await freshUnder('D1')}/archive`),
    expect: {
      admin: 200,
      adminD1: 200,
      itD1: 403,
      viewerD1: 403,
      headC1: 404,
      itD2: 404,
      headC2: 404,
      anon: 401,
    },
  },
  {
    name: 'POST /units/HN/archive',
    call: (c) => c.post('/api/v1/units/HN/archive'),
    expect: { admin: 409, adminD1: 404, itD1: 404, anon: 401 },
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
