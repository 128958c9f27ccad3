/**
 * The main pages over a realistic tree (Hanoi's 126 real commune-level units under the city), at an
 * office PC's 1366×768 and a phone's 390×844, saved to test-results/screenshots/ for people to look
 * at. Checked here: nothing needs horizontal scrolling, Vietnamese text is present with its
 * diacritics, and the pages carry the DOCTYPE and the CSP.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import {
  DESKTOP,
  launchBrowser,
  newContext,
  overflowsHorizontally,
  PHONE,
  screenshot,
  signIn,
} from './helpers/browser.js';
import { hanoiUnits } from './helpers/hanoi.js';

let s: TestServer;
let browser: Browser;
const units = hanoiUnits();

beforeAll(async () => {
  [s, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  for (const u of units) {
    const r = await s.admin.post('/api/v1/units', {
      code: u.code,
      name: u.name,
      level: 'commune',
      parentCode: 'HN',
    });
    if (r.status !== 201) throw new Error(`seed ${u.code}: ${r.status} ${r.text}`);
  }
  await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }], {
    username: 'tran.van.minh',
    displayName: 'Trần Văn Minh',
  });
  await createUser(s.admin, [{ role: 'unit_head', unitCode: units[0]!.code }], {
    username: 'nguyen.thi.huong',
    displayName: 'Nguyễn Thị Hương',
  });
  await s.admin.post(`/api/v1/units/${units[1]!.code}/enrollment-tokens`, { maxUses: 20 });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const PAGES: { name: string; path: string; heading: RegExp }[] = [
  { name: 'home', path: '/', heading: /Xin chào/ },
  { name: 'units-tree', path: '/admin/units', heading: /Thành phố Hà Nội/ },
  { name: 'unit-ward', path: `/admin/units/${units[0]!.code}`, heading: new RegExp(units[0]!.name) },
  { name: 'unit-search', path: '/admin/units?q=hoa', heading: /Kết quả tìm/ },
  { name: 'unit-new', path: '/admin/units/new?parent=HN', heading: /Thêm đơn vị/ },
  { name: 'users', path: '/admin/users', heading: /Người dùng/ },
  { name: 'user-new', path: '/admin/users/new', heading: /Thêm người dùng/ },
  { name: 'enrollment', path: '/admin/enrollment', heading: /Mã đăng ký máy trạm/ },
  { name: 'not-found', path: '/khong-co-trang-nay', heading: /Không tìm thấy trang/ },
];

async function visit(page: Page, path: string) {
  const res = await page.goto(`${s.url}${path}`);
  const raw = await res!.text();
  expect(raw.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
}

describe('in English', () => {
  it('the same pages read well with English labels', async () => {
    const ctx = await newContext(browser, { locale: 'en-GB' });
    const page = await ctx.newPage();
    await signIn(page, s.url, 'admin', ADMIN_PASSWORD);
    await page.click('button[name=lang][value=en]');
    await page.waitForLoadState();
    for (const p of PAGES.filter((x) => ['home', 'units-tree', 'user-new', 'enrollment'].includes(x.name))) {
      await visit(page, p.path);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await overflowsHorizontally(page)).toBe(false);
      await screenshot(page, `${p.name}-en-desktop`);
    }
    await ctx.close();
  });
});

describe.each([
  ['desktop', DESKTOP],
  ['phone', PHONE],
])('main pages on a %s', (label, viewport) => {
  it('render cleanly, in Vietnamese, without sideways scrolling', async () => {
    const ctx = await newContext(browser, { viewport });
    const page = await ctx.newPage();
    await signIn(page, s.url, 'admin', ADMIN_PASSWORD);
    for (const p of PAGES) {
      await visit(page, p.path);
      expect(await page.locator('h1').first().textContent()).toMatch(p.heading);
      expect(await overflowsHorizontally(page), `${p.name} overflows at ${label}`).toBe(false);
      await screenshot(page, `${p.name}-${label}`);
    }
    // The tree of the city lists its communes 50 at a time, page after page, each unit once.
    await page.goto(`${s.url}/admin/units`);
    const seen: string[] = [];
    for (;;) {
      const rows = await page.locator('table.data tbody tr td.primary a').allTextContents();
      expect(rows.length).toBeLessThanOrEqual(50);
      seen.push(...rows);
      if ((await page.locator('a[rel=next]').count()) === 0) break;
      await Promise.all([page.waitForURL(/cursor=/), page.click('a[rel=next]')]);
    }
    expect(seen.sort()).toEqual(units.map((u) => u.name).sort());
    await screenshot(page, `units-tree-last-page-${label}`);
    await ctx.close();

    const head = await newContext(browser, { viewport });
    const hp = await head.newPage();
    await signIn(hp, s.url, 'nguyen.thi.huong', 'mật-khẩu-thử-nghiệm');
    expect(await overflowsHorizontally(hp)).toBe(false);
    await screenshot(hp, `home-unit-head-${label}`);
    await head.close();

    const anon = await newContext(browser, { viewport });
    const ap = await anon.newPage();
    await visit(ap, '/login');
    expect(await overflowsHorizontally(ap)).toBe(false);
    await screenshot(ap, `sign-in-${label}`);
    await anon.close();
  });
});
