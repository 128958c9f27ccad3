/**
 * The UI over HTTP, without a browser: the security properties every page must have (DOCTYPE, CSP,
 * no caching, escaping, CSRF on every post, scope by URL), the sign-in throttle's friendly 429, the
 * one-time token reveal bound to its session, and that the JSON API is untouched by the UI mount.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser, TEST_PASSWORD, unique } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { textOf, UiClient } from './helpers/ui-client.js';

let s: TestServer;
let admin: UiClient;

beforeAll(async () => {
  s = await startTestServer();
  admin = new UiClient(s.url);
  await admin.signIn('admin', ADMIN_PASSWORD);
});
afterAll(async () => s?.stop());

describe('every page', () => {
  it('starts with <!DOCTYPE html>, forbids inline script, is never cached, and names its language', async () => {
    for (const path of [
      '/',
      '/admin/units',
      '/admin/units/HN',
      '/admin/units/new',
      '/admin/users',
      '/admin/users/new',
      '/admin/enrollment',
      '/admin/calendar',
      '/queue',
      '/queue?status=all',
      '/tickets/new',
      '/approvals',
      '/approvals/decided',
      '/deputies',
      '/notifications',
      '/matrix',
      '/matrix/rules',
      '/matrix/versions',
      '/matrix/diff?from=1&to=1',
      '/matrix/simulate?unit=HN&category=hardware&severity=major',
      '/matrix/edit',
      '/nope',
    ]) {
      const r = await admin.get(path);
      expect([200, 404], path).toContain(r.status);
      expect(r.html.startsWith('<!DOCTYPE html><html lang="vi">'), path).toBe(true);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('cache-control')).toBe('no-store');
      // No inline script or style anywhere (the CSP would block it anyway).
      expect(r.html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(r.html).not.toMatch(/\sstyle="/);
    }
  });

  it('sends a person who is not signed in to the sign-in page, remembering where they were going', async () => {
    const anon = new UiClient(s.url);
    const r = await anon.get('/admin/users?cursor=abc');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/login?next=%2Fadmin%2Fusers%3Fcursor%3Dabc');
    expect((await anon.get('/')).location).toBe('/login');
  });

  it('answers in English when asked, before and after signing in', async () => {
    const anon = new UiClient(s.url, { 'accept-language': 'en-GB,en;q=0.9' });
    const r = await anon.get('/login');
    expect(r.html).toContain('<html lang="en">');
    expect(textOf(r.html)).toContain('Sign in');
  });

  it('escapes names from people and agents everywhere', async () => {
    const evil = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
    const unit = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: evil });
    await createUser(s.admin, [{ role: 'viewer', unitCode: unit.code }], { displayName: evil });
    for (const path of [
      `/admin/units/${unit.code}`,
      '/admin/units/HN',
      '/admin/users',
      `/admin/units?q=${encodeURIComponent(evil)}`,
    ]) {
      const r = await admin.get(path);
      expect(r.html, path).not.toContain('<script>alert(1)');
      expect(r.html, path).not.toContain('<img src=x');
      expect(textOf(r.html), path).toContain(evil);
    }
  });
});

describe('CSRF', () => {
  it('refuses a post without a token, with a wrong one, or from another site — and writes nothing', async () => {
    const code = unique('C');
    const fields = { parentCode: 'HN', code, name: 'Phường Thử', level: 'commune' };
    await admin.get('/admin/units/new');
    for (const [why, extra, token] of [
      ['no token', {}, null],
      ['wrong token', {}, 'x'.repeat(43)],
      ['cross-site', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, undefined],
    ] as const) {
      const r = await admin.post(
        '/admin/units',
        token === undefined ? fields : { ...fields, _csrf: token },
        extra,
      );
      expect(r.status, why).toBe(403);
      expect(textOf(r.html), why).toContain('Biểu mẫu không hợp lệ');
    }
    expect((await s.admin.get(`/api/v1/units/${code}`)).status).toBe(404);
    // The same post with the page's token goes through.
    const ok = await admin.post('/admin/units', fields);
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/admin/units/${code}`);
  });

  it('protects the anonymous forms too (sign-in, language) with a pre-session token', async () => {
    const anon = new UiClient(s.url);
    const r = await anon.post('/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(r.status).toBe(403);
    expect(anon.jar.has('onestop_session')).toBe(false);
    await anon.get('/login');
    expect(anon.jar.get('onestop_pre')).toBeTruthy();
    const ok = await anon.post('/lang', { lang: 'en', back: '/login' });
    expect(ok.status).toBe(303);
    expect(anon.jar.get('lang')).toBe('en');
  });

  it('a token from one session is refused in another', async () => {
    const other = new UiClient(s.url);
    await other.signIn('admin', ADMIN_PASSWORD);
    await other.get('/admin/units/new');
    const foreign = other.lastCsrf!;
    await admin.get('/admin/units/new');
    expect(foreign).not.toBe(admin.lastCsrf);
    const r = await admin.post('/admin/units', {
      _csrf: foreign,
      parentCode: 'HN',
      code: unique('F'),
      name: 'X',
      level: 'commune',
    });
    expect(r.status).toBe(403);
  });

  it('a form from an expired session asks to sign in again instead of "forbidden"', async () => {
    const c = new UiClient(s.url);
    await c.signIn('admin', ADMIN_PASSWORD);
    await c.get('/admin/units/new');
    c.jar.set('onestop_session', 'oss_expired-or-revoked-token-value-xxxxxxxxxxxxxxxx');
    const r = await c.post('/admin/units', {
      parentCode: 'HN',
      code: unique('E'),
      name: 'X',
      level: 'commune',
    });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/login');
    expect(textOf((await c.get('/login')).html)).toContain('Phiên làm việc đã hết hạn. Hãy đăng nhập lại.');
  });

  it('a page opened after the session ran out says so on the sign-in page', async () => {
    const c = new UiClient(s.url);
    c.jar.set('onestop_session', 'oss_expired-or-revoked-token-value-xxxxxxxxxxxxxxxx');
    const r = await c.get('/admin/users');
    expect(r.location).toBe('/login?next=%2Fadmin%2Fusers');
    expect(c.jar.has('onestop_session')).toBe(false);
    expect(textOf((await c.get(r.location!)).html)).toContain('Phiên làm việc đã hết hạn');
  });
});

describe('signing in', () => {
  it('sets the same session cookie as the API and ends the session on sign-out', async () => {
    const c = new UiClient(s.url);
    await c.get('/login');
    const r = await c.post('/login', { username: 'admin', password: ADMIN_PASSWORD, next: '/admin/users' });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/admin/users');
    const sc = r.headers.getSetCookie().find((x) => x.startsWith('onestop_session='))!;
    expect(sc).toMatch(/HttpOnly/);
    expect(sc).toMatch(/SameSite=Lax/);
    expect(sc).toMatch(/Path=\//);
    // The cookie works for the JSON API too: it is one session.
    const me = await fetch(`${s.url}/api/v1/auth/me`, { headers: { cookie: c.cookieHeader() } });
    expect(me.status).toBe(200);
    await c.get('/');
    const out = await c.post('/logout', {});
    expect(out.status).toBe(303);
    const after = await fetch(`${s.url}/api/v1/auth/me`, {
      headers: { cookie: `onestop_session=${sc.split(';')[0]!.split('=')[1]}` },
    });
    expect(after.status).toBe(401);
  });

  it('shows the throttle as a friendly message with retry-after, even for the right password', async () => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: 'HN' }]);
    const c = new UiClient(s.url);
    await c.get('/login');
    for (let i = 0; i < 5; i++) {
      const r = await c.post('/login', { username: user.username, password: 'sai-mật-khẩu' });
      expect(r.status).toBe(401);
      expect(textOf(r.html)).toContain('Tên đăng nhập hoặc mật khẩu không đúng');
    }
    const r = await c.post('/login', { username: user.username, password: TEST_PASSWORD });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(textOf(r.html)).toContain('Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút');
  });

  it('an empty form says which field is missing', async () => {
    const c = new UiClient(s.url);
    await c.get('/login');
    const r = await c.post('/login', { username: '', password: '' });
    expect(r.status).toBe(422);
    expect(r.html).toContain('id="f-username-error"');
    expect(r.html).toContain('Hãy nhập ô này.');
  });
});

describe('scope by URL (the same rules as the API)', () => {
  it('IT staff of one ward sees that ward only, and may create tokens there only', async () => {
    const mine = await createUnit(s.admin, { level: 'commune', parentCode: 'HN' });
    const other = await createUnit(s.admin, { level: 'commune', parentCode: 'HN' });
    const { user } = await createUser(s.admin, [{ role: 'it_staff', unitCode: mine.code }]);
    const c = new UiClient(s.url);
    await c.signIn(user.username, TEST_PASSWORD);
    expect((await c.get(`/admin/units/${mine.code}`)).status).toBe(200);
    expect((await c.get(`/admin/units/${other.code}`)).status).toBe(404);
    expect((await c.get('/admin/units/HN')).status).toBe(404);
    expect((await c.get('/admin/users')).status).toBe(403);
    await c.get('/admin/enrollment');
    const refused = await c.post('/admin/enrollment', {
      unitCode: other.code,
      expiresInHours: '1',
      maxUses: '1',
    });
    expect(refused.status).toBe(404);
    expect(refused.html).toContain('id="f-unitCode-error"');
    const ok = await c.post('/admin/enrollment', { unitCode: mine.code, expiresInHours: '1', maxUses: '1' });
    expect(ok.status).toBe(303);
  });
});

describe('enrollment token reveal', () => {
  it('is shown once, only to the session that created it', async () => {
    const ward = await createUnit(s.admin, { level: 'commune', parentCode: 'HN' });
    await admin.get('/admin/enrollment');
    const r = await admin.post('/admin/enrollment', {
      unitCode: ward.code,
      expiresInHours: '24',
      maxUses: '3',
    });
    expect(r.status).toBe(303);
    const sealed = admin.jar.get('onestop_reveal')!;
    expect(sealed).toBeTruthy();
    // The cookie does not carry the token in the clear.
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('oet_');

    // Another session replaying the cookie sees nothing.
    const thief = new UiClient(s.url);
    await thief.signIn('admin', ADMIN_PASSWORD);
    thief.jar.set('onestop_reveal', sealed);
    expect((await thief.get(r.location!)).html).not.toMatch(/oet_[A-Za-z0-9_-]{43}/);

    const shown = await admin.get(r.location!);
    const token = /oet_[A-Za-z0-9_-]{43}/.exec(shown.html)?.[0];
    expect(token).toBeTruthy();
    expect(shown.html).toContain(`onestop-agent enroll --server ${s.url} --token ${token}`);
    expect(admin.jar.has('onestop_reveal')).toBe(false);
    expect((await admin.get(r.location!)).html).not.toContain(token!);
  });
});

describe('the JSON API is untouched by the UI', () => {
  it('keeps problem+json for unknown API routes and its own CSRF rule', async () => {
    const r = await fetch(`${s.url}/api/v1/nope`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    const p = await fetch(`${s.url}/api/v1/nope`, { method: 'POST' });
    expect(p.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('lists users within scope through the shared service', async () => {
    const list = await s.admin.get('/api/v1/users?limit=2');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.nextCursor).toBeTruthy();
    const next = await s.admin.get(`/api/v1/users?limit=500&cursor=${list.body.nextCursor}`);
    expect(next.body.items.map((u: { username: string }) => u.username)).not.toContain(
      list.body.items[0].username,
    );
    const ward = await createUnit(s.admin, { level: 'commune', parentCode: 'HN' });
    const { client } = await createUser(s.admin, [{ role: 'unit_head', unitCode: ward.code }]);
    expect((await client.get('/api/v1/users')).status).toBe(403);
  });
});

describe('assets', () => {
  it('are served with long-lived caching and compressed for slow links', async () => {
    const page = await admin.get('/');
    const css = /href="(\/assets\/app\.[0-9a-f]{8}\.css)"/.exec(page.html)![1]!;
    const r = await fetch(s.url + css, { headers: { 'accept-encoding': 'gzip' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toContain('immutable');
    expect(r.headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${s.url}/assets/app.00000000.css`)).status).toBe(404);
    const html = await fetch(`${s.url}/admin/units`, {
      headers: { cookie: admin.cookieHeader(), 'accept-encoding': 'gzip' },
    });
    expect(html.headers.get('content-encoding')).toBe('gzip');
  });
});

describe('the dashboard', () => {
  it('counts the users an administrator can see with the same rule as the list', async () => {
    const ward = await createUnit(s.admin, { level: 'commune', parentCode: 'HN' });
    const { user: wardAdmin } = await createUser(s.admin, [{ role: 'admin', unitCode: ward.code }]);
    await createUser(s.admin, [{ role: 'viewer', unitCode: ward.code }]);
    await createUser(s.admin, [{ role: 'viewer', unitCode: 'HN' }]);
    const c = new UiClient(s.url);
    await c.signIn(wardAdmin.username, TEST_PASSWORD);
    const listed = (await s.admin.get('/api/v1/users?limit=500')).body.items as {
      roles: { unitCode: string }[];
    }[];
    const visible = listed.filter(
      (u) => u.roles.length === 0 || u.roles.some((r) => r.unitCode === ward.code),
    );
    const home = textOf((await c.get('/')).html);
    const m = /Người dùng (\d+)/.exec(home);
    expect(Number(m?.[1])).toBe(visible.length);
    const page = await c.get('/admin/users?limit=500');
    expect((page.html.match(/<tr>/g) ?? []).length - 1).toBe(visible.length);
  });
});

describe('paging', () => {
  it('pages a unit’s sub-units 50 at a time, the next link reaching every one once', async () => {
    await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Nhiều Trang' });
    // 55 units under one parent: 50 on the first page, 5 on the second.
    for (let i = 0; i < 55; i++)
      await createUnit(s.admin, {
        level: 'commune',
        parentCode: 'HN',
        name: `Xã Trang ${String(i).padStart(2, '0')}`,
      });
    const first = await admin.get('/admin/units/HN');
    const next = /<a class="btn btn-secondary btn-small" href="([^"]+)" rel="next">/.exec(first.html)?.[1];
    expect(next).toMatch(/^\/admin\/units\/HN\?cursor=/);
    const second = await admin.get(next!.replaceAll('&amp;', '&'));
    expect(second.status).toBe(200);
    expect(second.html).not.toContain('rel="next"');
    // Every one of them once, across the two pages (other tests may add units under HN too).
    const names = (html: string) => textOf(html).match(/Xã Trang \d\d/g) ?? [];
    const seen = [...names(first.html), ...names(second.html)];
    expect(seen).toHaveLength(55);
    expect(new Set(seen).size).toBe(55);
    expect(textOf(first.html + second.html)).toContain('Phường Nhiều Trang');
  });
});
