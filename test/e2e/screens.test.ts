/**
 * The main pages over a realistic tree (Hanoi's 126 real commune-level units under the city), at an
 * office PC's 1366×768 and a phone's 390×844, saved to test-results/screenshots/ for people to look
 * at. Checked here: nothing needs horizontal scrolling, Vietnamese text is present with its
 * diacritics, and the pages carry the DOCTYPE and the CSP.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/clock.js';
import { TEST_PASSWORD } from '../helpers/factories.js';
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
import { type Fleet, seedFleet } from './helpers/fleet.js';
import { nextMondayMorning, seedTickets, seedWorld, type World } from './helpers/seed.js';

let s: TestServer;
let browser: Browser;
let w: World;
let units: World['units'];
let fleet: Fleet;
/** Tickets by title, for pages about one ticket. */
const tickets = new Map<string, string>();
// A Monday morning in Hanoi, so deadlines read as a working day's would.
const clock = new ManualClock(nextMondayMorning());

beforeAll(async () => {
  [s, browser] = await Promise.all([startTestServer({ clock }), launchBrowser()]);
  w = await seedWorld(s);
  units = w.units;
  // A matrix edit, so the history has two versions and a diff (and tickets show a legal basis).
  const m = (await s.admin.get('/api/v1/matrix')).body;
  const { version: _v, activatedAt: _a, activatedBy: _b, ...body } = m;
  body.legalBasis = 'Quyết định phân cấp quản lý thiết bị CNTT của UBND Thành phố (ví dụ minh họa)';
  await s.admin.put('/api/v1/matrix', body);
  // Tickets from Friday afternoon, so on Monday morning some are past their targets and others due
  // soon, as in a real queue (targets count working hours only).
  clock.advanceMinutes(-66 * 60);
  await seedTickets(w);
  clock.advanceMinutes(66 * 60);
  fleet = await seedFleet(s, w, clock);
  clock.advanceMinutes(15);
  for (const t of (await w.it.client.get('/api/v1/tickets?limit=100')).body.items) tickets.set(t.title, t.id);
  await s.admin.post(`/api/v1/units/${w.otherWard.code}/enrollment-tokens`, { maxUses: 20 });
  // A PC with a smaller disk: its own thresholds, so the device policy page shows all three sources.
  await w.it.client.put(`/api/v1/devices/${fleet.healthy.deviceId}/policy`, {
    disk: { warnFreePct: 20, critFreePct: 8 },
  });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

interface Screen {
  name: string;
  path: string;
  heading: RegExp;
  /** Who looks at it (default: admin). */
  as?: 'it' | 'head';
}

/** The main pages, as the person who uses each. Built after seeding (it names real ids). */
const PAGES = (): Screen[] => [
  { name: 'home', path: '/', heading: /Xin chào/ },
  { name: 'units-tree', path: '/admin/units', heading: /Thành phố Hà Nội/ },
  { name: 'unit-ward', path: `/admin/units/${units[0]!.code}`, heading: new RegExp(units[0]!.name) },
  { name: 'unit-search', path: '/admin/units?q=hoa', heading: /Kết quả tìm/ },
  { name: 'unit-new', path: '/admin/units/new?parent=HN', heading: /Thêm đơn vị/ },
  { name: 'users', path: '/admin/users', heading: /Người dùng/ },
  { name: 'user-new', path: '/admin/users/new', heading: /Thêm người dùng/ },
  { name: 'enrollment', path: '/admin/enrollment', heading: /Mã đăng ký máy trạm/ },
  { name: 'calendar', path: '/admin/calendar', heading: /Lịch làm việc/ },
  { name: 'not-found', path: '/khong-co-trang-nay', heading: /Không tìm thấy trang/ },
  { name: 'home-it', path: '/', heading: /Xin chào, Trần Văn Minh/, as: 'it' },
  { name: 'queue', path: '/queue', heading: /Hàng đợi của tôi/, as: 'it' },
  { name: 'queue-history', path: '/queue?status=all', heading: /Hàng đợi của tôi/, as: 'it' },
  {
    name: 'ticket-in-progress',
    path: `/tickets/${tickets.get('Mất kết nối tới Cổng dịch vụ công quốc gia')}`,
    heading: /Mất kết nối tới Cổng dịch vụ công quốc gia/,
    as: 'it',
  },
  {
    name: 'ticket-awaiting-approval',
    path: `/tickets/${tickets.get('Thay máy quét tài liệu tốc độ cao tại quầy tiếp nhận')}`,
    heading: /Thay máy quét tài liệu tốc độ cao/,
    as: 'it',
  },
  { name: 'ticket-new', path: '/tickets/new', heading: /Tạo phiếu sự cố/, as: 'it' },
  { name: 'matrix', path: '/matrix', heading: /Ma trận bảo trì/, as: 'it' },
  { name: 'matrix-rules', path: '/matrix/rules', heading: /Ma trận bảo trì/, as: 'it' },
  {
    name: 'matrix-simulate',
    path: `/matrix/simulate?unit=${w.ward.code}&category=peripheral&severity=major&cost=25+tri%E1%BB%87u`,
    heading: /Ai sẽ xử lý/,
    as: 'it',
  },
  { name: 'matrix-versions', path: '/matrix/versions', heading: /Các phiên bản/, as: 'it' },
  {
    name: 'matrix-diff',
    path: '/matrix/diff?from=1&to=2',
    heading: /Thay đổi từ phiên bản 1 đến 2/,
    as: 'it',
  },
  { name: 'matrix-edit', path: '/matrix/edit', heading: /Chỉnh sửa ma trận/ },
  { name: 'fleet', path: '/fleet', heading: /Thành phố Hà Nội/, as: 'it' },
  { name: 'fleet-ward', path: `/fleet/units/${w.ward.code}`, heading: /Phường Ba Đình/, as: 'it' },
  { name: 'device', path: `/fleet/devices/${fleet.diskLow.deviceId}`, heading: /MOTCUA-BD-02/, as: 'it' },
  {
    name: 'device-missing-scanner',
    path: `/fleet/devices/${fleet.noScanner.deviceId}`,
    heading: /MOTCUA-BD-03/,
    as: 'it',
  },
  {
    name: 'ticket-agent-disk',
    path: `/tickets/${tickets.get('Ổ đĩa C: sắp đầy trên máy MOTCUA-BD-02')}`,
    heading: /Ổ đĩa C: sắp đầy/,
    as: 'it',
  },
  { name: 'windows', path: '/fleet/windows', heading: /Khung bảo trì/, as: 'it' },
  {
    name: 'device-policy',
    path: `/fleet/devices/${fleet.healthy.deviceId}/policy`,
    heading: /Chính sách kiểm tra của máy MOTCUA-BD-01/,
    as: 'it',
  },
  {
    name: 'policy',
    path: `/admin/policy/${w.ward.code}`,
    heading: /Chính sách kiểm tra: Phường Ba Đình/,
    as: 'it',
  },
  { name: 'home-head', path: '/', heading: /Xin chào, Nguyễn Thị Hương/, as: 'head' },
  { name: 'fleet-head', path: '/fleet', heading: /Phường Ba Đình/, as: 'head' },
  { name: 'approvals', path: '/approvals', heading: /Chờ tôi duyệt/, as: 'head' },
  { name: 'queue-head', path: '/queue', heading: /Phiếu sự cố/, as: 'head' },
  { name: 'deputies', path: '/deputies', heading: /Ủy quyền/, as: 'head' },
  { name: 'notifications', path: '/notifications', heading: /Thông báo/, as: 'head' },
  { name: 'user-detail', path: `/admin/users/${w.head.id}`, heading: /Nguyễn Thị Hương/ },
  { name: 'user-roles', path: `/admin/users/${w.head.id}/roles`, heading: /Vai trò của Nguyễn Thị Hương/ },
  {
    name: 'user-disable',
    path: `/admin/users/${w.it2.id}/disable`,
    heading: /Khóa tài khoản của Lê Thị Thu/,
  },
  { name: 'unit-edit', path: `/admin/units/${w.ward.code}/edit`, heading: /Sửa đơn vị: Phường Ba Đình/ },
  { name: 'unit-archive', path: `/admin/units/${w.ward.code}/archive`, heading: /Lưu trữ Phường Ba Đình/ },
  { name: 'account-password', path: '/account/password', heading: /Đổi mật khẩu/, as: 'it' },
  { name: 'account-sessions', path: '/account/sessions', heading: /Phiên đăng nhập/, as: 'it' },
  { name: 'reports', path: '/reports?period=this_quarter&by=category', heading: /Báo cáo SLA/ },
  { name: 'reports-head', path: '/reports', heading: /Báo cáo SLA/, as: 'head' },
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
    for (const p of PAGES().filter((x) =>
      ['home', 'units-tree', 'user-new', 'enrollment', 'matrix'].includes(x.name),
    )) {
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
    const people = {
      it: await newContext(browser, { viewport }).then((c) => c.newPage()),
      head: await newContext(browser, { viewport }).then((c) => c.newPage()),
    };
    await signIn(people.it, s.url, w.it.username, TEST_PASSWORD);
    await signIn(people.head, s.url, w.head.username, TEST_PASSWORD);
    for (const p of PAGES()) {
      const pg = p.as ? people[p.as] : page;
      await visit(pg, p.path);
      expect(await pg.locator('h1').first().textContent()).toMatch(p.heading);
      expect(await overflowsHorizontally(pg), `${p.name} overflows at ${label}`).toBe(false);
      await screenshot(pg, `${p.name}-${label}`);
    }
    await people.it.context().close();
    await people.head.context().close();
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
    await signIn(hp, s.url, 'nguyen.thi.huong', TEST_PASSWORD);
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
