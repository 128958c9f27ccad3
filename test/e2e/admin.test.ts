/**
 * Administration journeys in a real browser: units (a long Vietnamese name), users with roles,
 * enrollment tokens shown exactly once, escaping of hostile names, scope by URL, and CSRF.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser, TEST_PASSWORD, unique } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import {
  launchBrowser,
  newContext,
  overflowsHorizontally,
  PHONE,
  screenshot,
  signIn,
  watch,
} from './helpers/browser.js';

let s: TestServer;
let browser: Browser;
let adminCtx: BrowserContext;
let page: Page;

const LONG_NAME =
  'Bộ phận Tiếp nhận và Trả kết quả — Trung tâm Phục vụ hành chính công xã Phúc Lộc, thành phố Hà Nội (điểm tiếp nhận số 2)';

beforeAll(async () => {
  [s, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  adminCtx = await newContext(browser);
  page = await adminCtx.newPage();
  await signIn(page, s.url, 'admin', ADMIN_PASSWORD);
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

describe('units', () => {
  it('creates a commune with a long Vietnamese name that wraps on a phone', async () => {
    const code = unique('PL');
    await page.goto(`${s.url}/admin/units`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Thành phố Hà Nội');
    await page.click('a:has-text("Thêm đơn vị trực thuộc")');
    expect(await page.inputValue('input[name=parentCode]')).toBe('HN');
    expect(await page.inputValue('select[name=level]')).toBe('commune');

    // A first try with a bad code shows the error next to the field and keeps what was typed.
    await page.fill('input[name=code]', 'mã có dấu');
    await page.fill('input[name=name]', LONG_NAME);
    const bad = await submit(page, 'form[action="/admin/units"] button[type=submit]');
    expect(bad.status()).toBe(422);
    expect(await page.getAttribute('input[name=code]', 'aria-invalid')).toBe('true');
    expect(await page.locator('#f-code-error').textContent()).toContain('Chưa đúng định dạng');
    expect(await page.inputValue('input[name=name]')).toBe(LONG_NAME);
    await screenshot(page, 'unit-form-error-desktop');

    await page.fill('input[name=code]', code);
    await page.fill('input[name=officers]', '12');
    await submit(page, 'form[action="/admin/units"] button[type=submit]');
    expect(new URL(page.url()).pathname).toBe(`/admin/units/${code}`);
    expect(await page.locator('.flash').textContent()).toContain(`Đã thêm đơn vị “${LONG_NAME}”.`);
    await expect(page.locator('h1').textContent()).resolves.toBe(LONG_NAME);
    expect(await page.locator('.breadcrumbs').textContent()).toContain('Thành phố Hà Nội');

    // It is listed under its parent.
    await page.goto(`${s.url}/admin/units/HN`);
    expect(await page.locator(`a:has-text("${LONG_NAME}")`).count()).toBe(1);

    // On a phone the long name wraps instead of pushing the page sideways.
    const phone = await newContext(browser, { viewport: PHONE });
    const pp = await phone.newPage();
    await signIn(pp, s.url, 'admin', ADMIN_PASSWORD);
    await pp.goto(`${s.url}/admin/units/${code}`);
    expect(await overflowsHorizontally(pp)).toBe(false);
    await screenshot(pp, 'unit-long-name-phone');
    await pp.goto(`${s.url}/admin/units/HN`);
    expect(await overflowsHorizontally(pp)).toBe(false);
    await phone.close();
  });

  it('finds units by name typed without diacritics', async () => {
    await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Đống Đa' });
    await page.goto(`${s.url}/admin/units`);
    await page.fill('input[name=q]', 'dong da');
    await Promise.all([page.waitForURL(/q=dong/), page.press('input[name=q]', 'Enter')]);
    expect(await page.locator('table.data a:has-text("Phường Đống Đa")').count()).toBe(1);
  });

  it('shows a hostile unit name as text and runs nothing', async () => {
    const evil = '<script>alert("xss")</script><img src=x onerror=alert(1)>';
    const unit = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: evil });
    const seen = watch(page);
    await page.goto(`${s.url}/admin/units/${unit.code}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(evil);
    await page.goto(`${s.url}/admin/units/HN`);
    expect(await page.locator('table.data').textContent()).toContain(evil);
    await page.goto(`${s.url}/admin/units?q=${encodeURIComponent('<script>')}`);
    expect(await page.locator('h1').textContent()).toBe('Kết quả tìm “<script>”');
    expect(await page.locator('img[src=x]').count()).toBe(0);
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});

describe('users', () => {
  it('creates a user with a role at a unit, who can then sign in and see that unit only', async () => {
    const ward = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Ba Đình' });
    const username = unique('huong').toLowerCase();
    await page.goto(`${s.url}/admin/users`);
    await page.click('.page-actions a:has-text("Thêm người dùng")');
    await page.fill('input[name=username]', username);
    await page.fill('input[name=displayName]', 'Nguyễn Thị Hương');
    await page.fill('input[name=password]', 'cụm mật khẩu dài');
    await page.selectOption('select[name="roles.0.role"]', 'unit_head');
    await page.fill('input[name="roles.0.unitCode"]', ward.code);
    // A half-filled second row is refused next to the missing cell.
    await page.selectOption('select[name="roles.1.role"]', 'viewer');
    const bad = await submit(page, 'form[action="/admin/users"] button[type=submit]');
    expect(bad.status()).toBe(422);
    expect(await page.getAttribute('input[name="roles.1.unitCode"]', 'aria-invalid')).toBe('true');
    await page.fill('input[name=password]', 'cụm mật khẩu dài');
    await page.selectOption('select[name="roles.1.role"]', '');
    await submit(page, 'form[action="/admin/users"] button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    expect(await page.locator('.flash').textContent()).toContain(`Đã thêm người dùng “${username}”.`);
    const row = page.locator('tr', { hasText: username });
    expect(await row.textContent()).toContain(`Lãnh đạo đơn vị · ${ward.code}`);

    const ctx = await newContext(browser);
    const p = await ctx.newPage();
    await signIn(p, s.url, username, 'cụm mật khẩu dài');
    expect(await p.locator('.who').textContent()).toContain('Lãnh đạo đơn vị tại Phường Ba Đình');
    await p.goto(`${s.url}/admin/units`);
    await expect(p.locator('h1').textContent()).resolves.toBe('Phường Ba Đình');
    await ctx.close();
  });
});

describe('scope by URL', () => {
  it("a unit head cannot open another unit's admin page, nor admin-only pages", async () => {
    const mine = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Xã Sóc Sơn' });
    const other = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Xã Đa Phúc' });
    const { user } = await createUser(s.admin, [{ role: 'unit_head', unitCode: mine.code }]);
    const ctx = await newContext(browser);
    const p = await ctx.newPage();
    await signIn(p, s.url, user.username, TEST_PASSWORD);
    expect((await p.goto(`${s.url}/admin/units/${mine.code}`))?.status()).toBe(200);
    const res = await p.goto(`${s.url}/admin/units/${other.code}`);
    expect(res?.status()).toBe(404);
    expect(await p.locator('h1').textContent()).toBe('Không tìm thấy trang');
    expect(await p.locator('main').textContent()).not.toContain('Xã Đa Phúc');
    await screenshot(p, 'not-found-desktop');
    expect((await p.goto(`${s.url}/admin/units/HN`))?.status()).toBe(404);
    expect((await p.goto(`${s.url}/admin/users`))?.status()).toBe(403);
    expect((await p.goto(`${s.url}/admin/enrollment`))?.status()).toBe(403);
    expect((await p.goto(`${s.url}/admin/units/new?parent=${mine.code}`))?.status()).toBe(403);
    // The navigation offers only what the role may use.
    await p.goto(`${s.url}/admin/units/${mine.code}`);
    // (Units, the working calendar and the check policy, which a unit head reads; not users or tokens.)
    const sections = await p.locator('.subnav a').allTextContents();
    expect(sections).toEqual(['Đơn vị', 'Lịch làm việc', 'Chính sách kiểm tra']);
    expect(await p.locator('a:has-text("Thêm đơn vị trực thuộc")').count()).toBe(0);
    await ctx.close();
  });
});

describe('enrollment tokens', () => {
  it('shows a new token once, with the agent command, and never again', async () => {
    const ward = await createUnit(s.admin, {
      level: 'commune',
      parentCode: 'HN',
      name: 'Phường Hai Bà Trưng',
    });
    await page.goto(`${s.url}/admin/units/${ward.code}`);
    await page.click('.page-actions a:has-text("Tạo mã đăng ký")');
    expect(await page.inputValue('input[name=unitCode]')).toBe(ward.code);
    await page.fill('input[name=maxUses]', '5');
    await submit(page, 'form[action="/admin/enrollment"] button[type=submit]');
    const reveal = page.locator('[data-testid=token-reveal]');
    expect(await reveal.count()).toBe(1);
    const command = (await page.locator('#agent-command').textContent()) ?? '';
    const m = /^onestop-agent enroll --server (\S+) --token (oet_[A-Za-z0-9_-]{43})$/.exec(command.trim());
    expect(m, command).not.toBeNull();
    expect(m![1]).toBe(s.url);
    const token = m![2]!;
    expect(await page.locator('#enrollment-token').textContent()).toBe(token);
    // The copy button appears (progressive enhancement) and copies.
    await adminCtx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
    await page.click('button[data-copy=agent-command]');
    await expect.poll(() => page.locator('#agent-command-status').textContent()).toBe('Đã sao chép');
    await screenshot(page, 'enrollment-reveal-desktop');

    // The token is real: the agent API accepts it (enrollment is another branch's work; the stored
    // hash must match what the page showed).
    const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
    const hex = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const { createClient } = await import('@libsql/client');
    const db = createClient({ url: `file:${s.dbPath}` });
    const row = await db.execute({
      sql: 'select max_uses from enrollment_tokens where token_hash = ?',
      args: [hex],
    });
    db.close();
    expect(row.rows[0]?.max_uses).toBe(5);

    // Reload: gone. The list shows the token's facts, never the token.
    await page.reload();
    expect(await page.locator('[data-testid=token-reveal]').count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    expect(await page.locator('table.data').textContent()).toContain('0/5');
    // Back and forward do not bring it back either.
    await page.goto(`${s.url}/`);
    await page.goBack();
    expect(await page.content()).not.toContain(token);
  });

  it('refuses an unknown unit next to the field', async () => {
    await page.goto(`${s.url}/admin/enrollment`);
    await page.fill('input[name=unitCode]', 'KHONG-CO');
    const res = await submit(page, 'form[action="/admin/enrollment"] button[type=submit]');
    expect(res.status()).toBe(404);
    expect(await page.locator('#f-unitCode-error').textContent()).toContain('KHONG-CO');
  });
});

describe('CSRF', () => {
  it('refuses a form post without the token, in the reader’s language, and changes nothing', async () => {
    const code = unique('CS');
    await page.goto(`${s.url}/admin/units/new?parent=HN`);
    await page.fill('input[name=code]', code);
    await page.fill('input[name=name]', 'Đơn vị giả mạo');
    await page.evaluate(`document.querySelector('form[action="/admin/units"] input[name=_csrf]').remove()`);
    const res = await submit(page, 'form[action="/admin/units"] button[type=submit]');
    expect(res.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('Biểu mẫu không hợp lệ');
    await screenshot(page, 'csrf-refused-desktop');
    expect((await s.admin.get(`/api/v1/units/${code}`)).status).toBe(404);

    // A token from another session does not work either.
    const other = await newContext(browser);
    const op = await other.newPage();
    await signIn(op, s.url, 'admin', ADMIN_PASSWORD);
    await op.goto(`${s.url}/admin/units/new?parent=HN`);
    const foreign = await op.inputValue('form[action="/admin/units"] input[name=_csrf]');
    await other.close();
    await page.goto(`${s.url}/admin/units/new?parent=HN`);
    await page.fill('input[name=code]', code);
    await page.fill('input[name=name]', 'Đơn vị giả mạo');
    await page.evaluate(
      `document.querySelector('form[action="/admin/units"] input[name=_csrf]').value = ${JSON.stringify(foreign)}`,
    );
    expect((await submit(page, 'form[action="/admin/units"] button[type=submit]')).status()).toBe(403);
    expect((await s.admin.get(`/api/v1/units/${code}`)).status).toBe(404);
  });
});
