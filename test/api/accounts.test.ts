/**
 * The account lifecycle over the real server: changing one's own password (throttled like sign-in,
 * other sessions end), one's sessions, an administrator's edit of a user (rename, reset, disable,
 * roles), and that every refused request writes nothing — row counts AND row contents.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../server/deps.js';
import { ManualClock } from '../helpers/clock.js';
import { expectNothingWritten } from '../helpers/db.js';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import type { Res } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const clock = new ManualClock('2026-03-02T02:00:00Z');
let s: TestServer;
let D1: string;
let C1: string;
let C2: string;

beforeAll(async () => {
  s = await startTestServer({ clock });
  D1 = (await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Ba Đình' })).code;
  C1 = (await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Ngọc Hà' })).code;
  C2 = (await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Giảng Võ' })).code;
});
afterAll(async () => s?.stop());

/** Every row of the tables an account change touches, so "nothing written" also covers updates. */
async function contents(deps: AppDeps): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const t of ['users', 'role_grants', 'sessions', 'units', 'enrollment_tokens', 'login_throttle']) {
    out[t] = await deps.store.read.all(sql.raw(`SELECT * FROM "${t}" ORDER BY rowid`));
  }
  return JSON.stringify(out);
}

/** Nothing inserted, deleted or updated anywhere while `fn` runs. */
async function expectUntouched(fn: () => Promise<unknown>, except: string[] = []): Promise<void> {
  const before = await contents(s.deps);
  await expectNothingWritten(s.deps, fn, except);
  if (except.length === 0) expect(await contents(s.deps)).toBe(before);
}

const login = (username: string, password: string) =>
  s.anon.post('/api/v1/auth/login', { username, password });

async function auditOf(action: string, targetId: string): Promise<Record<string, unknown>[]> {
  return (await s.deps.store.read.all(
    sql`SELECT action, actor_id, data FROM audit_events WHERE action = ${action} AND target_id = ${targetId}`,
  )) as Record<string, unknown>[];
}

function expectProblem(r: Res, status: number, path?: string) {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  if (path) expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

describe('POST /auth/password', () => {
  it('changes the password, keeps this session, ends every other one, and is audited', async () => {
    const { user, client: here } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    const elsewhere = await s.anon.login(user.username, TEST_PASSWORD);
    const r = await here.post('/api/v1/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'cây đa đầu làng 2026',
    });
    expect(r.status, r.text).toBe(204);
    expect((await here.get('/api/v1/auth/me')).status).toBe(200);
    expect((await elsewhere.get('/api/v1/auth/me')).status).toBe(401);
    expect((await login(user.username, TEST_PASSWORD)).status).toBe(401);
    // NFC and NFD spellings of the same Vietnamese passphrase are one password.
    expect((await login(user.username, 'cây đa đầu làng 2026'.normalize('NFD'))).status).toBe(200);
    expect(await auditOf('auth.password_change', user.id)).toHaveLength(1);
  });

  it('refuses a wrong current password with 422 on the field, writing only the throttle and the audit row', async () => {
    const { user, client } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    const users = await contents(s.deps).then((c) => JSON.parse(c).users);
    await expectNothingWritten(s.deps, async () => {
      const r = await client.post('/api/v1/auth/password', {
        currentPassword: 'not-my-password',
        newPassword: 'something-new-and-long',
      });
      expectProblem(r, 422, 'currentPassword');
    }, ['login_throttle', 'audit_events']);
    expect(JSON.parse(await contents(s.deps)).users).toEqual(users);
    expect(await auditOf('auth.password_change_failed', user.id)).toHaveLength(1);
  });

  it('counts wrong current passwords like failed sign-ins: blocked after 5, even for the right one, until the block ends', async () => {
    const { user, client } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    const change = (currentPassword: string) =>
      client.post('/api/v1/auth/password', { currentPassword, newPassword: 'một mật khẩu mới dài' });
    for (let i = 0; i < 5; i++) expect((await change('wrong-password')).status).toBe(422);
    const blocked = await change(TEST_PASSWORD);
    expectProblem(blocked, 429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same counter guards sign-in: the account is blocked there too.
    expect((await login(user.username, TEST_PASSWORD)).status).toBe(429);
    clock.advanceMinutes(16);
    expect((await change(TEST_PASSWORD)).status).toBe(204);
  });

  it('refuses a new password equal to the current one, to the username, or too short — writing nothing', async () => {
    const { user, client } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    for (const [newPassword, path] of [
      [TEST_PASSWORD, 'newPassword'],
      [TEST_PASSWORD.normalize('NFD'), 'newPassword'],
      [user.username.toUpperCase(), 'newPassword'],
      ['short', 'newPassword'],
    ] as const) {
      await expectUntouched(async () => {
        const r = await client.post('/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword });
        expectProblem(r, 422, path);
      });
    }
    await expectUntouched(async () => {
      expectProblem(await client.post('/api/v1/auth/password', { newPassword: 'long-enough-1' }), 422);
      expectProblem(
        await s.anon.post('/api/v1/auth/password', { currentPassword: 'x', newPassword: 'y'.repeat(9) }),
        401,
      );
    });
  });
});

describe('own sessions', () => {
  it('lists live sessions without secrets, marks the current one, and pages', async () => {
    const { user, client } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    await s.anon.login(user.username, TEST_PASSWORD);
    await s.anon.login(user.username, TEST_PASSWORD);
    const r = await client.get('/api/v1/auth/sessions');
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(3);
    expect(r.body.items.filter((x: { current: boolean }) => x.current)).toHaveLength(1);
    expect(r.body.items[0]).toEqual({
      id: expect.any(String),
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      expiresAt: expect.any(String),
      ip: expect.any(String),
      userAgent: expect.anything(),
      current: expect.any(Boolean),
    });
    expect(r.text).not.toMatch(/oss_|token|hash/i);
    // Another user's sessions are not listed.
    expect(
      (await s.admin.get('/api/v1/auth/sessions')).body.items.map((x: { id: string }) => x.id),
    ).not.toContain(r.body.items[0].id);
    const first = await client.get('/api/v1/auth/sessions?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await client.get(`/api/v1/auth/sessions?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
  });

  it('revokes one of my sessions (its token stops at once); another user’s or an ended one is 404 and nothing is written', async () => {
    const { user, client } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    const other = await s.anon.login(user.username, TEST_PASSWORD);
    const list = (await client.get('/api/v1/auth/sessions')).body.items as { id: string; current: boolean }[];
    const target = list.find((x) => !x.current)!;
    expect((await client.request('DELETE', `/api/v1/auth/sessions/${target.id}`)).status).toBe(204);
    expect((await other.get('/api/v1/auth/me')).status).toBe(401);
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    await expectUntouched(async () => {
      expectProblem(await client.request('DELETE', `/api/v1/auth/sessions/${target.id}`), 404);
      const adminSession = (await s.admin.get('/api/v1/auth/sessions')).body.items[0].id;
      expectProblem(await client.request('DELETE', `/api/v1/auth/sessions/${adminSession}`), 404);
    });
    expect((await s.admin.get('/api/v1/auth/me')).status).toBe(200);
  });

  it('signs out everywhere else in one call', async () => {
    const { user, client } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    const a = await s.anon.login(user.username, TEST_PASSWORD);
    const b = await s.anon.login(user.username, TEST_PASSWORD);
    const r = await client.post('/api/v1/auth/sessions/revoke-others');
    expect(r.body).toEqual({ revoked: 2 });
    expect((await a.get('/api/v1/auth/me')).status).toBe(401);
    expect((await b.get('/api/v1/auth/me')).status).toBe(401);
    expect((await client.get('/api/v1/auth/sessions')).body.items).toHaveLength(1);
  });

  it('revoking the current session is signing out', async () => {
    const { client } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    const me = (await client.get('/api/v1/auth/sessions')).body.items[0];
    expect((await client.request('DELETE', `/api/v1/auth/sessions/${me.id}`)).status).toBe(204);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
  });
});

describe('PATCH /users/:id', () => {
  it('renames a user and audits who did it', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    const r = await s.admin.patch(`/api/v1/users/${user.id}`, { displayName: 'Lê Thị Mai' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.displayName).toBe('Lê Thị Mai');
    expect((await s.admin.get(`/api/v1/users/${user.id}`)).body.displayName).toBe('Lê Thị Mai');
    const [a] = await auditOf('user.update', user.id);
    expect(JSON.parse(String(a!.data))).toMatchObject({ displayName: { to: 'Lê Thị Mai' } });
  });

  it('an admin reset ends the user’s sessions and, by default, asks for a change at next sign-in', async () => {
    const { user, client } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    const r = await s.admin.patch(`/api/v1/users/${user.id}`, { password: 'mật khẩu tạm 123' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.mustChangePassword).toBe(true);
    expect(r.text).not.toMatch(/pbkdf2|hash|mật khẩu tạm/i);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
    const signedIn = await login(user.username, 'mật khẩu tạm 123');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.mustChangePassword).toBe(true);
    // The API keeps working; the UI is what insists.
    const fresh = s.anon.withToken(signedIn.body.token);
    expect((await fresh.get('/api/v1/units')).status).toBe(200);
    expect(
      (
        await fresh.post('/api/v1/auth/password', {
          currentPassword: 'mật khẩu tạm 123',
          newPassword: 'của riêng tôi 456',
        })
      ).status,
    ).toBe(204);
    const after = await login(user.username, 'của riêng tôi 456');
    expect(after.body.mustChangePassword).toBeUndefined();
    expect(after.text).not.toMatch(/password/i);
  });

  it('a reset may leave the password as final, and the flag can be set alone', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    const r = await s.admin.patch(`/api/v1/users/${user.id}`, {
      password: 'dịch vụ công 2026',
      mustChangePassword: false,
    });
    expect(r.body.mustChangePassword).toBeUndefined();
    expect((await login(user.username, 'dịch vụ công 2026')).body.mustChangePassword).toBeUndefined();
    await s.admin.patch(`/api/v1/users/${user.id}`, { mustChangePassword: true });
    expect((await login(user.username, 'dịch vụ công 2026')).body.mustChangePassword).toBe(true);
  });

  it('disabling stops the user’s token at once and refuses sign-in like a wrong password; enabling lets them sign in again', async () => {
    const { user, client } = await createUser(s.admin, [{ role: 'it_staff', unitCode: C1 }]);
    expect((await client.get('/api/v1/units')).status).toBe(200);
    const r = await s.admin.patch(`/api/v1/users/${user.id}`, { disabled: true });
    expect(r.status).toBe(200);
    expect(r.body.disabledAt).toBe(clock.now().toISOString());
    expect((await client.get('/api/v1/units')).status).toBe(401);
    const refused = await login(user.username, TEST_PASSWORD);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual((await login('nobody-at-all', TEST_PASSWORD)).body);
    const shown = await s.admin.get(`/api/v1/users/${user.id}`);
    expect(shown.body.disabledAt).toBe(r.body.disabledAt);
    const listed = (await s.admin.get('/api/v1/users?limit=500')).body.items.find(
      (u: { id: string }) => u.id === user.id,
    );
    expect(listed.disabledAt).toBe(r.body.disabledAt);

    expect((await s.admin.patch(`/api/v1/users/${user.id}`, { disabled: false })).body.disabledAt).toBeNull();
    expect((await login(user.username, TEST_PASSWORD)).status).toBe(200);
    // The old session stays ended: re-enabling does not bring tokens back.
    expect((await client.get('/api/v1/units')).status).toBe(401);
  });

  it('replaces the role set: kept grants stay, others go, new ones come', async () => {
    const { user, client } = await createUser(s.admin, [
      { role: 'viewer', unitCode: C1 },
      { role: 'it_staff', unitCode: C2 },
    ]);
    const r = await s.admin.patch(`/api/v1/users/${user.id}`, {
      roles: [
        { role: 'viewer', unitCode: C1 },
        { role: 'unit_head', unitCode: D1 },
        { role: 'unit_head', unitCode: D1 },
      ],
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.roles).toEqual(
      expect.arrayContaining([
        { role: 'viewer', unitCode: C1 },
        { role: 'unit_head', unitCode: D1 },
      ]),
    );
    expect(r.body.roles).toHaveLength(2);
    expect((await s.admin.get(`/api/v1/users/${user.id}`)).body.roles).toHaveLength(2);
    // The new grants count on the user's very next request.
    expect((await client.get(`/api/v1/units/${C2}`)).status).toBe(404);
    expect((await client.get(`/api/v1/units/${D1}`)).status).toBe(200);
    const [a] = await auditOf('user.update', user.id);
    expect(JSON.parse(String(a!.data)).roles).toEqual({
      added: [{ role: 'unit_head', unitCode: D1 }],
      removed: [{ role: 'it_staff', unitCode: C2 }],
    });
  });

  it('a request that changes nothing writes nothing', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }], {
      displayName: 'Đỗ Văn An',
    });
    await expectUntouched(async () => {
      expect((await s.admin.patch(`/api/v1/users/${user.id}`, {})).status).toBe(200);
      const same = await s.admin.patch(`/api/v1/users/${user.id}`, {
        displayName: 'Đỗ Văn An',
        disabled: false,
        roles: [{ role: 'viewer', unitCode: C1 }],
      });
      expect(same.status).toBe(200);
      expect(same.body.roles).toEqual([{ role: 'viewer', unitCode: C1 }]);
    });
  });

  it('every refused edit writes nothing', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    const { client: adminC1 } = await createUser(s.admin, [{ role: 'admin', unitCode: C1 }]);
    const adminMe = (await s.admin.get('/api/v1/auth/me')).body.id;
    const cases: [string, () => Promise<Res>, number, string?][] = [
      ['unknown key', () => s.admin.patch(`/api/v1/users/${user.id}`, { username: 'x' }), 422],
      [
        'short password',
        () => s.admin.patch(`/api/v1/users/${user.id}`, { password: 'short' }),
        422,
        'password',
      ],
      [
        'empty name',
        () => s.admin.patch(`/api/v1/users/${user.id}`, { displayName: '  ' }),
        422,
        'displayName',
      ],
      [
        'bad role',
        () => s.admin.patch(`/api/v1/users/${user.id}`, { roles: [{ role: 'root', unitCode: C1 }] }),
        422,
      ],
      [
        'unknown unit',
        () =>
          s.admin.patch(`/api/v1/users/${user.id}`, { roles: [{ role: 'viewer', unitCode: 'KHONG-CO' }] }),
        422,
        'roles.0.unitCode',
      ],
      [
        'grant outside scope',
        () => adminC1.patch(`/api/v1/users/${user.id}`, { roles: [{ role: 'viewer', unitCode: C2 }] }),
        403,
      ],
      [
        'name with a grant outside scope',
        () =>
          adminC1.patch(`/api/v1/users/${user.id}`, {
            displayName: 'Mới',
            roles: [{ role: 'admin', unitCode: 'HN' }],
          }),
        403,
      ],
      [
        'own password without the current one',
        () => s.admin.patch(`/api/v1/users/${adminMe}`, { password: 'long-enough-1' }),
        422,
        'password',
      ],
      ['unknown user', () => s.admin.patch('/api/v1/users/nobody', { displayName: 'x' }), 404],
      [
        'not JSON',
        () => s.admin.request('PATCH', `/api/v1/users/${user.id}`, 'x', { 'content-type': 'text/plain' }),
        415,
      ],
      ['no credentials', () => s.anon.patch(`/api/v1/users/${user.id}`, { disabled: true }), 401],
    ];
    for (const [why, call, status, path] of cases) {
      await expectUntouched(async () => expectProblem(await call(), status, path)).catch((e) => {
        throw new Error(`${why}: ${e}`);
      });
    }
  });

  it('GET never shows password material, and shows a user with no role to administrators (as the list does)', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: C1 }]);
    await s.admin.patch(`/api/v1/users/${user.id}`, { roles: [] });
    const r = await s.admin.get(`/api/v1/users/${user.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: user.id, roles: [], disabledAt: null });
    expect(r.text).not.toMatch(/password|hash|pbkdf2/i);
  });
});

describe('the root keeps an enabled administrator', () => {
  let t: TestServer;
  let rootAdminId: string;
  beforeAll(async () => {
    t = await startTestServer();
    rootAdminId = (await t.admin.get('/api/v1/auth/me')).body.id;
  });
  afterAll(async () => t?.stop());

  it('the only root admin cannot disable or demote themselves (409), and nothing is written', async () => {
    const ward = await createUnit(t.admin, { level: 'commune', parentCode: 'HN' });
    for (const body of [
      { disabled: true },
      { roles: [{ role: 'admin', unitCode: ward.code }] },
      { roles: [] },
      { roles: [{ role: 'it_staff', unitCode: 'HN' }], displayName: 'x' },
    ]) {
      await expectNothingWritten(t.deps, async () => {
        const r = await t.admin.patch(`/api/v1/users/${rootAdminId}`, body);
        expect(r.status, JSON.stringify(body)).toBe(409);
        expect(r.body.detail).toMatch(/quản trị viên cuối cùng/);
      });
    }
    expect((await t.admin.get('/api/v1/auth/me')).status).toBe(200);
  });

  it('a disabled second admin does not count; an enabled one does, and then either can step down but not both', async () => {
    const second = await createUser(t.admin, [{ role: 'admin', unitCode: 'HN' }]);
    expect((await t.admin.patch(`/api/v1/users/${second.user.id}`, { disabled: true })).status).toBe(200);
    expect((await t.admin.patch(`/api/v1/users/${rootAdminId}`, { disabled: true })).status).toBe(409);
    expect((await t.admin.patch(`/api/v1/users/${second.user.id}`, { disabled: false })).status).toBe(200);
    const again = await t.anon.login(second.user.username, TEST_PASSWORD);
    // The bootstrap admin steps down to a ward role; the second admin is now the last one.
    const ward = await createUnit(t.admin, { level: 'commune', parentCode: 'HN' });
    const down = await t.admin.patch(`/api/v1/users/${rootAdminId}`, {
      roles: [{ role: 'admin', unitCode: ward.code }],
    });
    expect(down.status, down.text).toBe(200);
    const last = await again.patch(`/api/v1/users/${second.user.id}`, { disabled: true });
    expect(last.status).toBe(409);
    expect(last.body.detail).toMatch(/Bạn là quản trị viên cuối cùng/);
    // Restore the bootstrap admin for the sake of tidiness.
    expect(
      (await again.patch(`/api/v1/users/${rootAdminId}`, { roles: [{ role: 'admin', unitCode: 'HN' }] }))
        .status,
    ).toBe(200);
  });

  it('two root admins disabling each other at the same moment leave exactly one of them', async () => {
    // Exactly two enabled root admins now: the bootstrap admin and the second one above.
    const second = (await t.admin.get('/api/v1/users?limit=500')).body.items.find(
      (u: { id: string; roles: { role: string; unitCode: string }[] }) =>
        u.id !== rootAdminId && u.roles.some((r) => r.role === 'admin' && r.unitCode === 'HN'),
    );
    const other = await t.anon.login(second.username, TEST_PASSWORD);
    const [r1, r2] = await Promise.all([
      t.admin.patch(`/api/v1/users/${second.id}`, { disabled: true }),
      other.patch(`/api/v1/users/${rootAdminId}`, { disabled: true }),
    ]);
    const statuses = [r1.status, r2.status].sort();
    // One wins; the other is refused as the last admin (409), or finds its own session ended (401).
    expect([
      [200, 409],
      [200, 401],
    ]).toContainEqual(statuses);
    const enabled = (await t.deps.store.read.all(
      sql`SELECT count(*) AS n FROM role_grants rg JOIN users u ON u.id = rg.user_id JOIN units un ON un.id = rg.unit_id
          WHERE rg.role = 'admin' AND un.parent_id IS NULL AND u.disabled_at IS NULL`,
    )) as { n: number }[];
    expect(Number(enabled[0]!.n)).toBe(1);
  });
});
