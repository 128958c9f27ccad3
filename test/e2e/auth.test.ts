/**
 * Journeys: signing in and out, the wrong-password message, the language switch (remembered), and
 * coming back to the page first asked for — never to another site.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { launchBrowser, newContext, screenshot, signIn, watch } from './helpers/browser.js';

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  [s, browser] = await Promise.all([startTestServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe('signing in', () => {
  it('signs in in Vietnamese, lands on the home page and signs out', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const seen = watch(page);
    const res = await page.goto(`${s.url}/`);
    // Not signed in: the home page sends us to the sign-in page.
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(res?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await expect(page.locator('h1').textContent()).resolves.toBe('Đăng nhập');
    await screenshot(page, 'sign-in-desktop');

    await signIn(page, s.url, 'admin', ADMIN_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/');
    await expect(page.locator('h1').textContent()).resolves.toBe('Xin chào, Quản trị hệ thống');
    expect(await page.locator('.who').textContent()).toContain('Quản trị viên tại Thành phố Hà Nội');
    // The session cookie is the API's: HttpOnly, SameSite=Lax.
    const cookie = (await ctx.cookies()).find((c) => c.name === 'onestop_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');

    await page.click('button.btn-signout');
    await page.waitForURL((u) => u.pathname === '/login');
    expect(await page.locator('.flash').textContent()).toContain('Bạn đã đăng xuất.');
    // The old session no longer works.
    await page.goto(`${s.url}/admin/units`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(seen.errors).toEqual([]);
    await ctx.close();
  });

  it('says clearly when the password is wrong, keeping the username', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${s.url}/login`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'not-the-password');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
      page.click('form[action="/login"] button[type=submit]'),
    ]);
    expect(res.status()).toBe(401);
    expect(await page.locator('[role=alert]').textContent()).toContain(
      'Tên đăng nhập hoặc mật khẩu không đúng',
    );
    expect(await page.inputValue('input[name=username]')).toBe('admin');
    expect(await page.inputValue('input[name=password]')).toBe('');
    await screenshot(page, 'sign-in-wrong-password');
    await ctx.close();
  });

  it('switches to English and back, remembering the choice across pages and visits', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, s.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${s.url}/admin/users`);
    await page.click('button[name=lang][value=en]');
    await page.waitForLoadState();
    // Back on the same page, now in English.
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toBe('Users');
    // Remembered: another page, and a new tab, are English too.
    await page.goto(`${s.url}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Hello, Quản trị hệ thống');
    const tab = await ctx.newPage();
    await tab.goto(`${s.url}/admin/units`);
    expect(await tab.getAttribute('html', 'lang')).toBe('en');
    expect(await tab.locator('.mainnav a[aria-current=page]').textContent()).toBe('Administration');
    // And back to Vietnamese.
    await tab.click('button[name=lang][value=vi]');
    await tab.waitForLoadState();
    expect(await tab.getAttribute('html', 'lang')).toBe('vi');
    await page.reload();
    await expect(page.locator('h1').textContent()).resolves.toBe('Xin chào, Quản trị hệ thống');
    await ctx.close();
  });

  it('the language switch works before signing in and keeps the sign-in page', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${s.url}/login?next=%2Fadmin%2Fusers`);
    await page.click('button[name=lang][value=en]');
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/login?next=%2Fadmin%2Fusers');
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
    await ctx.close();
  });

  it('returns to the page first asked for, and never to another site', async () => {
    const unit = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Hoàn Kiếm' });
    const { user } = await createUser(s.admin, [{ role: 'it_staff', unitCode: unit.code }]);
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${s.url}/admin/units/${unit.code}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=username]', user.username);
    await page.fill('input[name=password]', TEST_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/admin\/units\//),
      page.click('form[action="/login"] button[type=submit]'),
    ]);
    expect(new URL(page.url()).pathname).toBe(`/admin/units/${unit.code}`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Phường Hoàn Kiếm');

    // An attacker's link with an off-site `next` lands on our home page.
    const other = await newContext(browser);
    const p2 = await other.newPage();
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      await p2.goto(`${s.url}/login?next=${encodeURIComponent(next)}`);
      await p2.fill('input[name=username]', user.username);
      await p2.fill('input[name=password]', TEST_PASSWORD);
      await Promise.all([
        p2.waitForURL((u) => u.pathname !== '/login'),
        p2.click('form[action="/login"] button[type=submit]'),
      ]);
      expect(new URL(p2.url()).origin).toBe(s.url);
      expect(new URL(p2.url()).pathname).toBe('/');
      await p2.click('button.btn-signout');
      await p2.waitForURL((u) => u.pathname === '/login');
    }
    await other.close();
    await ctx.close();
  });
});
