/**
 * The account and unit lifecycle pages over HTTP, without a browser: every page's security
 * properties, CSRF on every new form (nothing written without the token), escaping, scope by URL,
 * the forced change after an administrator's reset, sessions, disabling (with the last-admin 409),
 * the roles editor, and unit edit/archive with the service's reasons shown next to the field.
 *   HN ── D1 ── W1, W2   (city, district, commune)
 *      └─ D2 ── W3
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNothingWritten } from '../helpers/db.js';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { textOf, UiClient } from './helpers/ui-client.js';

let s: TestServer;
let admin: UiClient;
const code = {} as Record<'D1' | 'D2' | 'W1' | 'W2' | 'W3', string>;

beforeAll(async () => {
  s = await startTestServer({ env: { ORG_LEVELS: 'city,district,commune' } });
  admin = new UiClient(s.url);
  await admin.signIn('admin', ADMIN_PASSWORD);
  code.D1 = (await createUnit(s.admin, { level: 'district', parentCode: 'HN', name: 'Quận Ba Đình' })).code;
  code.D2 = (await createUnit(s.admin, { level: 'district', parentCode: 'HN', name: 'Quận Tây Hồ' })).code;
  code.W1 = (
    await createUnit(s.admin, { level: 'commune', parentCode: code.D1, name: 'Phường Ngọc Hà' })
  ).code;
  code.W2 = (
    await createUnit(s.admin, { level: 'commune', parentCode: code.D1, name: 'Phường Giảng Võ' })
  ).code;
  code.W3 = (
    await createUnit(s.admin, { level: 'commune', parentCode: code.D2, name: 'Phường Xuân La' })
  ).code;
});
afterAll(async () => s?.stop());

async function ui(username: string, password = TEST_PASSWORD, headers: Record<string, string> = {}) {
  const c = new UiClient(s.url, headers);
  await c.signIn(username, password);
  return c;
}

/** Every row of the account tables, so "nothing written" covers updates as well as inserts. */
async function contents(): Promise<string> {
  const out: unknown[] = [];
  for (const t of ['users', 'role_grants', 'sessions', 'units', 'enrollment_tokens'])
    out.push(await s.deps.store.read.all(sql.raw(`SELECT * FROM "${t}" ORDER BY rowid`)));
  return JSON.stringify(out);
}

describe('the new pages', () => {
  it('are complete documents with the CSP, never cached, no inline script or style', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: code.W1 }]);
    for (const path of [
      '/account/password',
      '/account/sessions',
      `/admin/users/${user.id}`,
      `/admin/users/${user.id}/roles`,
      `/admin/users/${user.id}/disable`,
      `/admin/units/${code.W1}/edit`,
      `/admin/units/${code.W1}/archive`,
      '/admin/units/HN/edit',
    ]) {
      const r = await admin.get(path);
      expect(r.status, path).toBe(200);
      expect(r.html.startsWith('<!DOCTYPE html><html lang="vi">'), path).toBe(true);
      expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(r.html).not.toMatch(/\sstyle="/);
      expect(r.html).not.toMatch(/pbkdf2|password_hash|oss_/);
    }
  });

  it('the header menu offers "Đổi mật khẩu" and "Phiên đăng nhập" to everyone signed in', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: code.W1 }]);
    const c = await ui(user.username);
    const home = await c.get('/');
    expect(home.html).toMatch(/<details class="usermenu">/);
    expect(home.html).toContain('href="/account/password"');
    expect(home.html).toContain('href="/account/sessions"');
    expect(textOf(home.html)).toContain('Đổi mật khẩu');
    expect((await c.get('/account/password')).status).toBe(200);
    expect((await c.get('/account/sessions')).status).toBe(200);
  });
});

describe('CSRF on every new form', () => {
  it('refuses each post without a token with 403 and writes nothing; the same post with it goes through', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: code.W1 }], {
      displayName: 'Trần Thị Thu',
    });
    const other = await s.anon.login(user.username, TEST_PASSWORD);
    const otherSession = (await other.get('/api/v1/auth/sessions')).body.items[0].id;
    const c = await ui(user.username);
    const ward = await createUnit(s.admin, { level: 'commune', parentCode: code.D2 });
    const posts: [UiClient, string, Record<string, string>][] = [
      [
        c,
        '/account/password',
        { currentPassword: TEST_PASSWORD, newPassword: 'x'.repeat(12), confirmPassword: 'x'.repeat(12) },
      ],
      [c, `/account/sessions/${otherSession}/revoke`, {}],
      [c, '/account/sessions/revoke-others', {}],
      [admin, `/admin/users/${user.id}/name`, { displayName: 'Tên mới' }],
      [admin, `/admin/users/${user.id}/password`, { password: 'mật khẩu mới 1', mustChangePassword: '1' }],
      [admin, `/admin/users/${user.id}/disable`, {}],
      [
        admin,
        `/admin/users/${user.id}/roles`,
        { rows: '4', 'roles.0.role': 'admin', 'roles.0.unitCode': 'HN' },
      ],
      [admin, `/admin/units/${ward.code}/edit`, { name: 'Tên mới', parentCode: code.D2 }],
      [admin, `/admin/units/${ward.code}/archive`, {}],
    ];
    for (const [client, path, fields] of posts) {
      const before = await contents();
      await expectNothingWritten(s.deps, async () => {
        for (const [why, token, extra] of [
          ['no token', null, {}],
          ['wrong token', 'x'.repeat(43), {}],
          ['cross-site', undefined, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
        ] as const) {
          await client.get('/');
          const r = await client.post(
            path,
            token === undefined ? fields : { ...fields, _csrf: token },
            extra,
          );
          expect(r.status, `${path}: ${why}`).toBe(403);
        }
      });
      expect(await contents(), path).toBe(before);
    }
    expect((await other.get('/api/v1/auth/me')).status).toBe(200);
    await admin.get(`/admin/users/${user.id}`);
    const ok = await admin.post(`/admin/users/${user.id}/name`, { displayName: 'Trần Thị Thu Hà' });
    expect(ok.status).toBe(303);
    expect((await s.admin.get(`/api/v1/users/${user.id}`)).body.displayName).toBe('Trần Thị Thu Hà');
  });
});

describe('escaping', () => {
  it('names from people, units and browsers render as text on every new page', async () => {
    const evil = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
    const ward = await createUnit(s.admin, { level: 'commune', parentCode: code.D1, name: evil });
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: ward.code }], {
      displayName: evil,
    });
    // A session whose browser sent a hostile User-Agent.
    const c = await ui(user.username, TEST_PASSWORD, { 'user-agent': evil });
    await ui(user.username, TEST_PASSWORD, { 'user-agent': evil });
    for (const [who, path] of [
      [admin, `/admin/users/${user.id}`],
      [admin, `/admin/users/${user.id}/roles`],
      [admin, `/admin/users/${user.id}/disable`],
      [admin, `/admin/units/${ward.code}/edit`],
      [admin, `/admin/units/${ward.code}/archive`],
      [admin, '/admin/users'],
      [c, '/account/sessions'],
      [c, '/account/password'],
    ] as const) {
      const r = await who.get(path);
      expect(r.html, path).not.toContain('<script>alert(1)');
      expect(r.html, path).not.toContain('<img src=x');
      expect(textOf(r.html), path).toContain(evil);
    }
  });
});

describe('scope by URL', () => {
  it('a ward admin sees its users, reads but cannot edit one who also holds a role elsewhere, and never sees the neighbour’s', async () => {
    const { client: _a, user: wardAdmin } = await createUser(s.admin, [{ role: 'admin', unitCode: code.W1 }]);
    const inside = (await createUser(s.admin, [{ role: 'viewer', unitCode: code.W1 }])).user;
    const both = (
      await createUser(s.admin, [
        { role: 'viewer', unitCode: code.W1 },
        { role: 'viewer', unitCode: code.W3 },
      ])
    ).user;
    const outside = (await createUser(s.admin, [{ role: 'viewer', unitCode: code.W3 }])).user;
    const c = await ui(wardAdmin.username);
    const mine = await c.get(`/admin/users/${inside.id}`);
    expect(mine.status).toBe(200);
    expect(mine.html).toContain(`action="/admin/users/${inside.id}/name"`);
    const readOnly = await c.get(`/admin/users/${both.id}`);
    expect(readOnly.status).toBe(200);
    expect(readOnly.html).not.toContain(`action="/admin/users/${both.id}/`);
    expect(textOf(readOnly.html)).toContain('không sửa được');
    expect((await c.get(`/admin/users/${both.id}/roles`)).status).toBe(403);
    const refused = await c.post(`/admin/users/${both.id}/name`, { displayName: 'x' });
    expect(refused.status).toBe(403);
    expect((await c.get(`/admin/users/${outside.id}`)).status).toBe(404);
    expect((await c.post(`/admin/users/${outside.id}/disable`, {})).status).toBe(404);
    expect((await s.admin.get(`/api/v1/users/${outside.id}`)).body.disabledAt).toBeNull();
    // Units: the ward admin edits its ward, not the district above nor the neighbour.
    expect((await c.get(`/admin/units/${code.W1}/edit`)).status).toBe(200);
    expect((await c.get(`/admin/units/${code.D1}/edit`)).status).toBe(404);
    expect((await c.get(`/admin/units/${code.W3}/archive`)).status).toBe(404);
  });

  it('IT staff reach neither user pages nor unit editing', async () => {
    const { user } = await createUser(s.admin, [{ role: 'it_staff', unitCode: code.D1 }]);
    const peer = (await createUser(s.admin, [{ role: 'viewer', unitCode: code.W1 }])).user;
    const c = await ui(user.username);
    expect((await c.get(`/admin/users/${peer.id}`)).status).toBe(404);
    expect((await c.get(`/admin/users/${user.id}`)).status).toBe(403);
    expect((await c.get(`/admin/units/${code.W1}/edit`)).status).toBe(403);
    expect((await c.get(`/admin/units/${code.W3}/edit`)).status).toBe(404);
    const page = await c.get(`/admin/units/${code.W1}`);
    expect(page.html).not.toContain(`/admin/units/${code.W1}/edit`);
  });
});

describe('the forced change after an administrator’s reset', () => {
  it('sends the user to the change page from anywhere, explains why, and lets them continue after', async () => {
    const { user } = await createUser(s.admin, [{ role: 'it_staff', unitCode: code.W1 }]);
    await admin.get(`/admin/users/${user.id}`);
    const reset = await admin.post(`/admin/users/${user.id}/password`, {
      password: 'tạm thời 2026',
      mustChangePassword: '1',
    });
    expect(reset.status).toBe(303);
    expect(textOf((await admin.get(reset.location!)).html)).toContain('Đã đặt lại mật khẩu');

    const c = new UiClient(s.url);
    await c.get('/login');
    const signIn = await c.post('/login', {
      username: user.username,
      password: 'tạm thời 2026',
      next: '/queue',
    });
    expect(signIn.location).toBe('/queue');
    const away = await c.get('/queue');
    expect(away.status).toBe(303);
    expect(away.location).toBe('/account/password?next=%2Fqueue');
    expect((await c.get('/account/sessions')).location).toMatch(/^\/account\/password/);
    const page = await c.get(away.location!);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('Mật khẩu của bạn do quản trị viên đặt');
    // Posts elsewhere are turned away too (nothing written), except signing out and the language.
    await expectNothingWritten(s.deps, async () => {
      expect((await c.post('/account/sessions/revoke-others', {})).status).toBe(303);
    });

    await c.get(away.location!);
    const mismatch = await c.post('/account/password', {
      next: '/queue',
      currentPassword: 'tạm thời 2026',
      newPassword: 'của riêng tôi 789',
      confirmPassword: 'của riêng tôi 780',
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.html).toContain('id="f-confirmPassword-error"');
    expect(textOf(mismatch.html)).toContain('Hai lần nhập mật khẩu mới chưa khớp nhau.');
    const wrong = await c.post('/account/password', {
      next: '/queue',
      currentPassword: 'không phải',
      newPassword: 'của riêng tôi 789',
      confirmPassword: 'của riêng tôi 789',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('id="f-currentPassword-error"');
    expect(textOf(wrong.html)).toContain('Mật khẩu hiện tại không đúng');
    const same = await c.post('/account/password', {
      next: '/queue',
      currentPassword: 'tạm thời 2026',
      newPassword: 'tạm thời 2026',
      confirmPassword: 'tạm thời 2026',
    });
    expect(same.status).toBe(422);
    expect(textOf(same.html)).toContain('Mật khẩu mới phải khác mật khẩu hiện tại.');
    const done = await c.post('/account/password', {
      next: '/queue',
      currentPassword: 'tạm thời 2026',
      newPassword: 'của riêng tôi 789',
      confirmPassword: 'của riêng tôi 789',
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/queue');
    const queue = await c.get('/queue');
    expect(queue.status).toBe(200);
    expect(textOf(queue.html)).toContain('Đã đổi mật khẩu');
  });

  it('a never-forced user is not redirected, and a hostile next stays on this site', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: code.W1 }]);
    const c = await ui(user.username);
    expect((await c.get('/queue')).status).toBe(200);
    await c.get('/account/password');
    const r = await c.post('/account/password', {
      next: '//evil.example/x',
      currentPassword: TEST_PASSWORD,
      newPassword: 'một cụm từ mới',
      confirmPassword: 'một cụm từ mới',
    });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/');
  });

  it('shows the throttle on the form with retry-after', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: code.W1 }]);
    const c = await ui(user.username);
    await c.get('/account/password');
    const wrong = {
      currentPassword: 'sai',
      newPassword: 'một cụm từ mới',
      confirmPassword: 'một cụm từ mới',
    };
    for (let i = 0; i < 5; i++) expect((await c.post('/account/password', wrong)).status).toBe(422);
    const r = await c.post('/account/password', { ...wrong, currentPassword: TEST_PASSWORD });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(textOf(r.html)).toContain('Nhập sai mật khẩu quá nhiều lần');
  });
});

describe('sessions page', () => {
  it('lists my sessions by browser, ends one, ends all others, and ending this one signs me out', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: code.W1 }]);
    const chrome =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 coc_coc_browser/120.0.0';
    // The factory signed in once over the API too: that session is one of the "others".
    const c = await ui(user.username, TEST_PASSWORD, { 'user-agent': chrome });
    const phone = await s.anon.login(user.username, TEST_PASSWORD);
    const third = await s.anon.login(user.username, TEST_PASSWORD);
    const page = await c.get('/account/sessions');
    expect(textOf(page.html)).toContain('Cốc Cốc 120 trên Windows 10/11');
    expect(textOf(page.html)).toContain('Phiên này');
    const phoneId = (await phone.get('/api/v1/auth/sessions')).body.items.find(
      (x: { current: boolean }) => x.current,
    ).id;
    expect(page.html).toContain(`action="/account/sessions/${phoneId}/revoke"`);
    const one = await c.post(`/account/sessions/${phoneId}/revoke`, {});
    expect(one.location).toBe('/account/sessions');
    expect((await phone.get('/api/v1/auth/me')).status).toBe(401);
    expect((await third.get('/api/v1/auth/me')).status).toBe(200);
    expect(textOf((await c.get('/account/sessions')).html)).toContain('Đã kết thúc phiên đăng nhập.');
    await c.post('/account/sessions/revoke-others', {});
    expect((await third.get('/api/v1/auth/me')).status).toBe(401);
    const after = await c.get('/account/sessions');
    expect(textOf(after.html)).toContain('Đã kết thúc 2 phiên đăng nhập khác.');
    expect(textOf(after.html)).toContain('Bạn chỉ đang đăng nhập ở đây.');
    const mine = (await s.deps.store.read.all(
      sql`SELECT id FROM sessions WHERE user_id = ${user.id} AND revoked_at IS NULL`,
    )) as { id: string }[];
    expect(mine).toHaveLength(1);
    const out = await c.post(`/account/sessions/${mine[0]!.id}/revoke`, {});
    expect(out.location).toBe('/login');
    expect((await c.get('/')).location).toBe('/login');
  });
});

describe('user page: disable, enable, roles', () => {
  it('disables after a confirm step: the user is signed out at once and the list shows them muted', async () => {
    const { user } = await createUser(s.admin, [{ role: 'it_staff', unitCode: code.W2 }], {
      displayName: 'Vũ Minh Đức',
    });
    const c = await ui(user.username);
    const detail = await admin.get(`/admin/users/${user.id}`);
    expect(detail.html).toContain(`href="/admin/users/${user.id}/disable"`);
    const confirm = await admin.get(`/admin/users/${user.id}/disable`);
    expect(textOf(confirm.html)).toContain('Khóa tài khoản của Vũ Minh Đức?');
    // The factory's API session and the UI session above.
    expect(textOf(confirm.html)).toContain('đăng xuất khỏi 2 phiên đang mở');
    const r = await admin.post(`/admin/users/${user.id}/disable`, {});
    expect(r.status).toBe(303);
    expect((await c.get('/')).location).toBe('/login');
    const list = await admin.get('/admin/users?');
    const row = new RegExp(`<tr class="row-disabled">(?:(?!</tr>).)*${user.username}`, 's');
    expect(list.html).toMatch(row);
    const again = await admin.get(`/admin/users/${user.id}`);
    expect(textOf(again.html)).toContain('Đã khóa từ');
    expect(again.html).toContain(`action="/admin/users/${user.id}/enable"`);
    expect((await admin.post(`/admin/users/${user.id}/enable`, {})).status).toBe(303);
    expect((await ui(user.username)).jar.has('onestop_session')).toBe(true);
  });

  it('refuses to disable the last root administrator with the reason on the confirm page', async () => {
    const me = (await s.admin.get('/api/v1/auth/me')).body.id;
    await admin.get(`/admin/users/${me}/disable`);
    await expectNothingWritten(s.deps, async () => {
      const r = await admin.post(`/admin/users/${me}/disable`, {});
      expect(r.status).toBe(409);
      expect(textOf(r.html)).toContain('Bạn là quản trị viên cuối cùng còn hoạt động của đơn vị gốc HN');
    });
    expect((await admin.get('/')).status).toBe(200);
  });

  it('edits the role set: prefilled rows, half-filled rows and grants outside scope refused on the form', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: code.W1 }]);
    const form = await admin.get(`/admin/users/${user.id}/roles`);
    expect(form.html).toMatch(
      /name="roles\.0\.role"[^>]*>(?:(?!<\/select>).)*<option value="viewer" selected=""/s,
    );
    expect(form.html).toContain(`name="roles.0.unitCode" value="${code.W1}"`);
    const half = await admin.post(`/admin/users/${user.id}/roles`, {
      rows: '4',
      'roles.0.role': 'viewer',
      'roles.0.unitCode': code.W1,
      'roles.1.role': 'it_staff',
    });
    expect(half.status).toBe(422);
    expect(half.html).toContain('id="f-roles-1-unitCode-error"');
    const unknown = await admin.post(`/admin/users/${user.id}/roles`, {
      rows: '4',
      'roles.2.role': 'it_staff',
      'roles.2.unitCode': 'KHONG-CO',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.html).toContain('id="f-roles-2-unitCode-error"');
    const ok = await admin.post(`/admin/users/${user.id}/roles`, {
      rows: '4',
      'roles.0.role': 'viewer',
      'roles.0.unitCode': code.W1,
      'roles.3.role': 'unit_head',
      'roles.3.unitCode': code.W2,
    });
    expect(ok.status).toBe(303);
    const roles = (await s.admin.get(`/api/v1/users/${user.id}`)).body.roles;
    expect(roles).toHaveLength(2);
    expect(roles).toEqual(
      expect.arrayContaining([
        { role: 'viewer', unitCode: code.W1 },
        { role: 'unit_head', unitCode: code.W2 },
      ]),
    );

    const { user: wardAdmin } = await createUser(s.admin, [{ role: 'admin', unitCode: code.D1 }]);
    const d1 = await ui(wardAdmin.username);
    await d1.get(`/admin/users/${user.id}/roles`);
    const outside = await d1.post(`/admin/users/${user.id}/roles`, {
      rows: '4',
      'roles.0.role': 'viewer',
      'roles.0.unitCode': code.W3,
    });
    expect(outside.status).toBe(403);
    expect(textOf(outside.html)).toContain('ngoài phạm vi quản trị của bạn');
  });

  it('a new user may be asked to change the initial password at first sign-in', async () => {
    await admin.get('/admin/users/new');
    const username = `moi${Date.now().toString(36)}`;
    const r = await admin.post('/admin/users', {
      username,
      displayName: 'Người mới',
      password: 'mật khẩu ban đầu',
      mustChangePassword: '1',
      'roles.0.role': 'viewer',
      'roles.0.unitCode': code.W1,
    });
    expect(r.status).toBe(303);
    const c = new UiClient(s.url);
    await c.signIn(username, 'mật khẩu ban đầu');
    expect((await c.get('/')).location).toBe('/account/password');
  });
});

describe('unit edit and archive', () => {
  it('renames, clears a figure, and explains a refused move next to the parent field', async () => {
    const ward = await createUnit(s.admin, {
      level: 'commune',
      parentCode: code.D1,
      name: 'Phường Kim Mã',
      officers: 12,
    });
    const form = await admin.get(`/admin/units/${ward.code}/edit`);
    expect(form.html).toContain('name="officers" value="12"');
    // The parent field suggests the units it may move under, by code with the name.
    const list = /<input[^>]*name="parentCode"[^>]*list="([^"]+)"/.exec(form.html)?.[1];
    expect(list).toBe('f-parentCode-units');
    const options = new RegExp(`<datalist id="${list}">([\\s\\S]*?)</datalist>`).exec(form.html)?.[1];
    expect(options).toContain(`<option value="${code.D2}">Quận Tây Hồ</option>`);
    const ok = await admin.post(`/admin/units/${ward.code}/edit`, {
      name: 'Phường Kim Mã (mới)',
      parentCode: code.D1,
      areaM2: '85,5',
      officers: '',
      digitizingOfficers: '3',
    });
    expect(ok.status).toBe(303);
    const after = (await s.admin.get(`/api/v1/units/${ward.code}`)).body;
    expect(after).toMatchObject({
      name: 'Phường Kim Mã (mới)',
      areaM2: 85.5,
      officers: null,
      digitizingOfficers: 3,
    });

    // A commune straight under the city: the level rule allows it, the matrix cannot route it.
    await expectNothingWritten(s.deps, async () => {
      const r = await admin.post(`/admin/units/${ward.code}/edit`, { name: 'x', parentCode: 'HN' });
      expect(r.status).toBe(422);
      const field = /<span class="error" id="f-parentCode-error">([^<]*)<\/span>/.exec(r.html)?.[1];
      expect(field).toMatch(/Ma trận hiện hành không thể định tuyến/);
      // Under another commune: the level rule.
      const lvl = await admin.post(`/admin/units/${ward.code}/edit`, { name: 'x', parentCode: code.W2 });
      expect(lvl.status).toBe(422);
      expect(lvl.html).toMatch(/id="f-parentCode-error">[^<]*phải thấp hơn cấp/);
      const own = await admin.post(`/admin/units/${code.D1}/edit`, { name: 'x', parentCode: code.W1 });
      expect(own.status).toBe(422);
      expect(own.html).toMatch(/id="f-parentCode-error">[^<]*nhánh con/);
    });
    const moved = await admin.post(`/admin/units/${ward.code}/edit`, {
      name: 'Phường Kim Mã',
      parentCode: code.D2,
    });
    expect(moved.status).toBe(303);
    expect((await s.admin.get(`/api/v1/units/${ward.code}`)).body.parentCode).toBe(code.D2);
  });

  it('lists what blocks archiving, and archives a clear unit after confirmation', async () => {
    const ward = await createUnit(s.admin, {
      level: 'commune',
      parentCode: code.D2,
      name: 'Phường Phú Thượng',
    });
    const { user } = await createUser(s.admin, [{ role: 'it_staff', unitCode: ward.code }]);
    const blocked = await admin.get(`/admin/units/${ward.code}/archive`);
    expect(textOf(blocked.html)).toContain('Chưa thể lưu trữ vì đơn vị vẫn còn:');
    expect(textOf(blocked.html)).toContain('1 vai trò đang giao tại đơn vị');
    expect(blocked.html).not.toContain(`action="/admin/units/${ward.code}/archive"`);
    await expectNothingWritten(s.deps, async () => {
      expect((await admin.post(`/admin/units/${ward.code}/archive`, {})).status).toBe(409);
    });
    await s.admin.patch(`/api/v1/users/${user.id}`, { roles: [] });
    const ready = await admin.get(`/admin/units/${ward.code}/archive`);
    expect(ready.html).toContain(`action="/admin/units/${ward.code}/archive"`);
    const done = await admin.post(`/admin/units/${ward.code}/archive`, {});
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/admin/units/${code.D2}`);
    expect(textOf((await admin.get(done.location!)).html)).toContain(
      'Đã lưu trữ đơn vị “Phường Phú Thượng”.',
    );
    expect((await admin.get(`/admin/units/${ward.code}`)).status).toBe(404);
  });
});
