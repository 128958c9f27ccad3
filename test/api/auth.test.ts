import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/clock.js';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';

const clock = new ManualClock('2026-03-02T02:00:00Z');
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ clock });
});
afterAll(async () => s?.stop());

const login = (username: string, password: string, headers: Record<string, string> = {}) =>
  s.anon.post('/api/v1/auth/login', { username, password }, headers);

describe('sign-in', () => {
  it('returns a token, the user without password material, and an HttpOnly SameSite cookie', async () => {
    const r = await login('admin', ADMIN_PASSWORD);
    expect(r.status).toBe(200);
    expect(r.body.token).toMatch(/^oss_/);
    expect(r.body.user).toMatchObject({ username: 'admin', roles: [{ role: 'admin', unitCode: 'HN' }] });
    expect(r.text).not.toMatch(/hash|password/i);
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/onestop_session=oss_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('answers an unknown user and a wrong password identically', async () => {
    const a = await login('nobody-here', 'whatever-password');
    const b = await login('admin', 'wrong-password');
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body).toEqual(b.body);
    expect(a.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('accepts the session cookie as well as the bearer token, and logout ends the session', async () => {
    const r = await login('admin', ADMIN_PASSWORD);
    const cookie = `onestop_session=${r.body.token}`;
    expect((await s.anon.get('/api/v1/auth/me', { cookie })).status).toBe(200);
    const client = s.anon.withToken(r.body.token);
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
    expect((await s.anon.get('/api/v1/auth/me', { cookie })).status).toBe(401);
  });

  it('blocks a cross-site state change made with the cookie', async () => {
    const r = await login('admin', ADMIN_PASSWORD);
    const headers = { cookie: `onestop_session=${r.body.token}`, origin: 'https://evil.example' };
    const res = await s.anon.post('/api/v1/units', { code: 'CSRF1', name: 'x', level: 'commune' }, headers);
    expect(res.status).toBe(403);
    expect((await s.admin.get('/api/v1/units/CSRF1')).status).toBe(404);
  });

  it('expires sessions after SESSION_TTL_HOURS', async () => {
    const client = await s.anon.login('admin', ADMIN_PASSWORD);
    clock.advanceMinutes(12 * 60 + 1);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('throttles a username after 5 failures, even for the right password, then lets it in after the block', async () => {
    const unit = await createUnit(s.admin.withToken((await login('admin', ADMIN_PASSWORD)).body.token), {
      level: 'commune',
      parentCode: 'HN',
    });
    const { user } = await createUser(await s.anon.login('admin', ADMIN_PASSWORD), [
      { role: 'viewer', unitCode: unit.code },
    ]);
    for (let i = 0; i < 5; i++) expect((await login(user.username, 'wrong-password')).status).toBe(401);
    const blocked = await login(user.username, TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    // Other users are not affected by this user's block.
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(200);
    clock.advanceMinutes(16);
    expect((await login(user.username, TEST_PASSWORD)).status).toBe(200);
  });

  it('throttles a client address that tries many usernames', async () => {
    clock.advanceMinutes(60);
    let last = 0;
    for (let i = 0; i < 31; i++) last = (await login(`spray-${i}`, 'wrong-password')).status;
    expect(last).toBe(429);
    // The address is blocked for every username, including a valid one.
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(429);
    clock.advanceMinutes(16);
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(200);
  });
});
