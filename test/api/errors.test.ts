/** Every error class of the contract answers problem+json, never HTML or a stack, and writes nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNothingWritten } from '../helpers/db.js';
import { createUnit, createUser } from '../helpers/factories.js';
import type { Res } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let commune: string;
beforeAll(async () => {
  s = await startTestServer();
  commune = (
    await createUnit(s.admin, { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' })
  ).code;
});
afterAll(async () => s?.stop());

function expectProblem(r: Res, status: number) {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(r.text).not.toMatch(/at .*\.(ts|js):\d+|<html/i);
}

const raw = (path: string, init: RequestInit) =>
  fetch(s.url + path, init).then(async (r) => {
    const text = await r.text();
    return { status: r.status, headers: r.headers, text, body: text ? JSON.parse(text) : undefined } as Res;
  });

describe('error classes', () => {
  it('400 malformed JSON', async () => {
    await expectNothingWritten(s.deps, async () => {
      const r = await raw('/api/v1/units', {
        method: 'POST',
        headers: { authorization: `Bearer ${s.admin.token}`, 'content-type': 'application/json' },
        body: '{"code": "X1", "name": ',
      });
      expectProblem(r, 400);
    });
  });

  it('415 without a JSON content type', async () => {
    await expectNothingWritten(s.deps, async () => {
      const r = await raw('/api/v1/units', {
        method: 'POST',
        headers: { authorization: `Bearer ${s.admin.token}`, 'content-type': 'text/plain' },
        body: JSON.stringify({ code: 'X2', name: 'x', level: 'commune' }),
      });
      expectProblem(r, 415);
    });
  });

  it('413 above the body limit, refused from the declared length', async () => {
    await expectNothingWritten(s.deps, async () => {
      const r = await s.admin.post('/api/v1/units', {
        code: 'X3',
        name: 'x',
        level: 'commune',
        pad: 'x'.repeat(300_000),
      });
      expectProblem(r, 413);
    });
  });

  it('413 for a chunked body without a declared length, cut off while streaming', async () => {
    await expectNothingWritten(s.deps, async () => {
      const chunk = new TextEncoder().encode(`{"pad":"${'y'.repeat(64 * 1024)}`);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(ctrl) {
          // An endless body: the server must stop reading, not buffer it.
          if (sent++ > 200) ctrl.close();
          else ctrl.enqueue(chunk);
        },
      });
      const r = await raw('/api/v1/units', {
        method: 'POST',
        headers: { authorization: `Bearer ${s.admin.token}`, 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expectProblem(r, 413);
      expect(sent).toBeLessThan(200);
    });
  });

  it('422 with a path per invalid field, in the caller language', async () => {
    await expectNothingWritten(s.deps, async () => {
      const r = await s.admin.post(
        '/api/v1/units',
        { code: 'bad code!', name: '', level: 7, officers: -1 },
        { 'accept-language': 'en' },
      );
      expectProblem(r, 422);
      const paths = r.body.errors.map((e: { path: string }) => e.path).sort();
      expect(paths).toEqual(['code', 'level', 'name', 'officers']);
      const vi = await s.admin.post('/api/v1/units', { code: 'X4', name: 'x' });
      expectProblem(vi, 422);
      expect(vi.body.title).toBe('Dữ liệu không hợp lệ');
      // The contract's user has `roles` (a list, possibly empty): leaving it out is a 422 on `roles`.
      const noRoles = await s.admin.post('/api/v1/users', {
        username: 'no.roles',
        password: 'mat-khau-du-dai',
      });
      expectProblem(noRoles, 422);
      expect(noRoles.body.errors.map((e: { path: string }) => e.path)).toEqual(['roles']);
    });
    const empty = await s.admin.post('/api/v1/users', {
      username: 'no.roles',
      password: 'mat-khau-du-dai',
      roles: [],
    });
    expect(empty.status).toBe(201);
  });

  it('422 for a level not below the parent, and for an unknown parent', async () => {
    await expectNothingWritten(s.deps, async () => {
      expectProblem(
        await s.admin.post('/api/v1/units', { code: 'X5', name: 'x', level: 'city', parentCode: 'HN' }),
        422,
      );
      expectProblem(
        await s.admin.post('/api/v1/units', { code: 'X6', name: 'x', level: 'district', parentCode: 'HN' }),
        422,
      );
      const r = await s.admin.post('/api/v1/units', {
        code: 'X7',
        name: 'x',
        level: 'commune',
        parentCode: 'NOPE',
      });
      expectProblem(r, 422);
      expect(r.body.errors[0].path).toBe('parentCode');
    });
  });

  it('401 without credentials and with a forged token', async () => {
    await expectNothingWritten(s.deps, async () => {
      expectProblem(await s.anon.get('/api/v1/units'), 401);
      expectProblem(await s.anon.withToken('oss_forged').get('/api/v1/units'), 401);
      expectProblem(await s.anon.post('/api/v1/units', { code: 'X8', name: 'x', level: 'commune' }), 401);
    });
  });

  it('403 for an authenticated caller without the role', async () => {
    const { client } = await createUser(s.admin, [{ role: 'viewer', unitCode: commune }]);
    await expectNothingWritten(s.deps, async () => {
      expectProblem(await client.post('/api/v1/units', { code: 'X9', name: 'x', level: 'commune' }), 403);
    });
  });

  it('404 for an unknown unit and an unknown route', async () => {
    await expectNothingWritten(s.deps, async () => {
      expectProblem(await s.admin.get('/api/v1/units/NOPE'), 404);
      expectProblem(await s.admin.get('/api/v1/nothing-here'), 404);
    });
  });

  it('405 with Allow for a path the API has, asked with another method', async () => {
    await expectNothingWritten(s.deps, async () => {
      const login = await s.anon.get('/api/v1/auth/login');
      expectProblem(login, 405);
      expect(login.headers.get('allow')).toBe('POST');
      const units = await s.admin.request('DELETE', '/api/v1/units');
      expectProblem(units, 405);
      expect(units.headers.get('allow')).toBe('GET, POST');
      const one = await s.admin.request('DELETE', '/api/v1/units/HN');
      expect(one.headers.get('allow')).toBe('GET, PATCH');
      expect(one.body.detail).toContain('/api/v1/units/HN');
      expectProblem(await s.admin.request('DELETE', '/api/v1/nothing-here'), 404);
    });
  });

  it('409 for a duplicate unit code (case-insensitive) and username', async () => {
    await expectNothingWritten(s.deps, async () => {
      expectProblem(await s.admin.post('/api/v1/units', { code: '00004', name: 'x', level: 'commune' }), 409);
      expectProblem(await s.admin.post('/api/v1/units', { code: 'hn', name: 'x', level: 'commune' }), 409);
      expectProblem(
        await s.admin.post('/api/v1/users', { username: 'ADMIN', password: 'long-enough-1', roles: [] }),
        409,
      );
    });
  });

  it('never returns password material for users', async () => {
    const r = await s.admin.post('/api/v1/users', {
      username: 'can.bo.mot.cua',
      password: 'mật khẩu đủ dài',
      displayName: 'Nguyễn Thị Hoa',
      roles: [{ role: 'unit_head', unitCode: commune }],
    });
    expect(r.status).toBe(201);
    expect(r.text).not.toMatch(/password|hash|pbkdf2/i);
    const list = await s.admin.get('/api/v1/users');
    expect(list.text).not.toMatch(/passwordHash|pbkdf2/i);
  });

  it('a failure inside a write leaves no partial rows (user with one unknown role unit)', async () => {
    await expectNothingWritten(s.deps, async () => {
      const r = await s.admin.post('/api/v1/users', {
        username: 'half-written',
        password: 'long-enough-password',
        roles: [
          { role: 'viewer', unitCode: commune },
          { role: 'viewer', unitCode: 'UNKNOWN' },
        ],
      });
      expectProblem(r, 422);
      expect(r.body.errors[0].path).toBe('roles.1.unitCode');
    });
  });
});
