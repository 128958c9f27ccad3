/**
 * The account lifecycle in a real browser: an administrator resets a forgotten password, the user
 * signs in with it, is sent to choose their own before anything else, does so, and carries on where
 * they were going. Also: the account menu on a phone, disabling a departing officer (the list shows
 * them muted), and screenshots of these pages at 1366×768 and 390×844.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import {
  DESKTOP,
  launchBrowser,
  newContext,
  overflowsHorizontally,
  PHONE,
  screenshot,
  signIn,
  watch,
} from './helpers/browser.js';
import { hanoiUnits } from './helpers/hanoi.js';

let s: TestServer;
let browser: Browser;
let ward: { code: string; name: string };

beforeAll(async () => {
  [s, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  const real = hanoiUnits().find((u) => u.name === 'Phường Ba Đình') ?? hanoiUnits()[0]!;
  ward = await createUnit(s.admin, {
    code: real.code,
    name: real.name,
    level: 'commune',
    parentCode: 'HN',
  }).then((u) => ({ code: u.code, name: real.name }));
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function submit(p: Page, selector: string) {
  const [res] = await Promise.all([
    p.waitForResponse((r) => r.request().method() === 'POST'),
    p.click(selector),
  ]);
  await p.waitForLoadState();
  return res;
}

describe('a forgotten password', () => {
  it('admin resets it → the user signs in → is made to choose a new one → changes it → continues', async () => {
    const { user } = await createUser(s.admin, [{ role: 'it_staff', unitCode: ward.code }], {
      username: 'hoang.van.nam',
      displayName: 'Hoàng Văn Nam',
    });

    // The administrator finds the user in the list and resets the password on the user's page.
    const adminCtx = await newContext(browser);
    const admin = await adminCtx.newPage();
    const adminSeen = watch(admin);
    await signIn(admin, s.url, 'admin', ADMIN_PASSWORD);
    await admin.goto(`${s.url}/admin/users`);
    await Promise.all([
      admin.waitForURL(/\/admin\/users\/[0-9a-z]+$/),
      admin.click('a:has-text("Hoàng Văn Nam")'),
    ]);
    expect(await admin.locator('h1').textContent()).toBe('Hoàng Văn Nam');
    // "Ask to change at next sign-in" is on by default.
    expect(await admin.isChecked('input[name=mustChangePassword]')).toBe(true);
    await admin.fill('input[name=password]', 'tạm thời 2026');
    const reset = await submit(admin, `form[action="/admin/users/${user.id}/password"] button[type=submit]`);
    expect(reset.status()).toBe(303);
    expect(await admin.locator('.flash').textContent()).toContain('Đã đặt lại mật khẩu của “Hoàng Văn Nam”');
    expect(await admin.locator('main').textContent()).toContain('Phải đổi mật khẩu ở lần đăng nhập tới');
    // The password typed is never shown back.
    expect(await admin.content()).not.toContain('tạm thời 2026');
    await screenshot(admin, 'journey-user-reset-desktop');

    // The user signs in with it, on the way to the queue, and lands on the change page instead.
    const userCtx = await newContext(browser);
    const page = await userCtx.newPage();
    const seen = watch(page);
    await page.goto(`${s.url}/queue`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=username]', 'hoang.van.nam');
    await page.fill('input[name=password]', 'tạm thời 2026');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/account/password'),
      page.click('form[action="/login"] button[type=submit]'),
    ]);
    expect(new URL(page.url()).searchParams.get('next')).toBe('/queue');
    expect(await page.locator('h1').textContent()).toBe('Hãy đặt mật khẩu mới');
    expect(await page.locator('main').textContent()).toContain('Mật khẩu của bạn do quản trị viên đặt');
    await screenshot(page, 'journey-password-forced-desktop');

    // Any other page sends them back here.
    await page.goto(`${s.url}/fleet`);
    expect(new URL(page.url()).pathname).toBe('/account/password');
    await page.goto(`${s.url}/account/password?next=%2Fqueue`);

    // A typo in the confirmation is caught next to the field.
    await page.fill('input[name=currentPassword]', 'tạm thời 2026');
    await page.fill('input[name=newPassword]', 'hoa sữa nở cuối thu');
    await page.fill('input[name=confirmPassword]', 'hoa sữa nở cuối thu!');
    const bad = await submit(page, 'form[action="/account/password"] button[type=submit]');
    expect(bad.status()).toBe(422);
    expect(await page.locator('#f-confirmPassword-error').textContent()).toContain('chưa khớp');
    await screenshot(page, 'journey-password-mismatch-desktop');

    await page.fill('input[name=currentPassword]', 'tạm thời 2026');
    await page.fill('input[name=newPassword]', 'hoa sữa nở cuối thu');
    await page.fill('input[name=confirmPassword]', 'hoa sữa nở cuối thu');
    const ok = await submit(page, 'form[action="/account/password"] button[type=submit]');
    expect(ok.status()).toBe(303);
    expect(new URL(page.url()).pathname).toBe('/queue');
    expect(await page.locator('.flash').textContent()).toContain('Đã đổi mật khẩu');
    await page.goto(`${s.url}/fleet`);
    expect(new URL(page.url()).pathname).toBe('/fleet');

    // Signing out and in again with the new password goes straight to work.
    await page.click('button.btn-signout');
    await page.waitForURL((u) => u.pathname === '/login');
    await signIn(page, s.url, 'hoang.van.nam', 'hoa sữa nở cuối thu');
    expect(new URL(page.url()).pathname).toBe('/');

    // The administrator's page no longer asks for a change.
    await admin.reload();
    expect(await admin.locator('main').textContent()).not.toContain('Phải đổi mật khẩu ở lần đăng nhập tới');
    expect([...seen.dialogs, ...seen.errors, ...adminSeen.dialogs, ...adminSeen.errors]).toEqual([]);
    await userCtx.close();
    await adminCtx.close();
  });
});

describe('the account menu and sessions', () => {
  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])('opens from the header on a %s and ends another session', async (label, viewport) => {
    const { user } = await createUser(s.admin, [{ role: 'viewer', unitCode: ward.code }], {
      displayName: 'Lê Thị Mai',
    });
    // Signed in at a counter PC earlier (the factory's API session) and now on this device.
    const ctx = await newContext(browser, { viewport });
    const page = await ctx.newPage();
    const seen = watch(page);
    await signIn(page, s.url, user.username, TEST_PASSWORD);
    await page.click('details.usermenu > summary');
    await screenshot(page, `account-menu-open-${label}`);
    expect(await overflowsHorizontally(page)).toBe(false);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/account/sessions'),
      page.click('details.usermenu a[href="/account/sessions"]'),
    ]);
    expect(await page.locator('h1').textContent()).toBe('Phiên đăng nhập');
    expect(await page.locator('tbody tr').count()).toBe(2);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, `journey-sessions-${label}`);
    await submit(page, 'form[action$="/revoke"] button[type=submit]');
    expect(await page.locator('.flash').textContent()).toContain('Đã kết thúc phiên đăng nhập.');
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(seen.errors).toEqual([]);
    await ctx.close();
  });
});

describe('a departing officer', () => {
  it('is disabled after a confirm step, and the list shows the account muted', async () => {
    const { user } = await createUser(s.admin, [{ role: 'unit_head', unitCode: ward.code }], {
      displayName: 'Phạm Thị Lan',
    });
    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const ctx = await newContext(browser, { viewport });
      const page = await ctx.newPage();
      await signIn(page, s.url, 'admin', ADMIN_PASSWORD);
      if (label === 'desktop') {
        await page.goto(`${s.url}/admin/users/${user.id}`);
        await Promise.all([page.waitForURL(/\/disable$/), page.click('a:has-text("Khóa tài khoản")')]);
        expect(await page.locator('h1').textContent()).toBe('Khóa tài khoản của Phạm Thị Lan?');
        await screenshot(page, 'journey-user-disable-confirm-desktop');
        await submit(page, 'form[action$="/disable"] button[type=submit]');
        expect(await page.locator('.flash').textContent()).toContain('Đã khóa tài khoản của “Phạm Thị Lan”.');
      }
      await page.goto(`${s.url}/admin/users`);
      const row = page.locator('tr.row-disabled', { hasText: 'Phạm Thị Lan' });
      expect(await row.count()).toBe(1);
      expect(await row.textContent()).toContain('Đã khóa');
      expect(await overflowsHorizontally(page)).toBe(false);
      await screenshot(page, `users-with-disabled-${label}`);
      await ctx.close();
    }
    const tryIt = await s.anon.post('/api/v1/auth/login', {
      username: user.username,
      password: TEST_PASSWORD,
    });
    expect(tryIt.status).toBe(401);
  });
});
