/**
 * The equipment register in a real browser, on a phone (390×844) over Hanoi's 126 units: an IT
 * officer registers a photocopier with the form and prints its QR label (an SVG code per asset, the
 * tag on it, nothing but labels when printing); a unit head scans the label signed out, signs in,
 * lands back on the short fault form, reports the fault and gets the ticket number; the asset is then
 * "Hỏng" with the ticket in its repair history. The compliance page shows a ward that lacks scanners
 * and its checklist; the administrator changes a threshold in the standard's form editor; the import
 * page uploads a file with a progress bar and shows the dry run's result. Screenshots along the way.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/clock.js';
import { TEST_PASSWORD } from '../helpers/factories.js';
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
import { nextMondayMorning, seedWorld, type World } from './helpers/seed.js';

let s: TestServer;
let w: World;
let browser: Browser;
const clock = new ManualClock(nextMondayMorning());
const contexts: BrowserContext[] = [];
const seen: { dialogs: string[]; errors: string[] }[] = [];
/** The photocopier the journey registers. */
const copier = { id: '', tag: '' };

beforeAll(async () => {
  [s, browser] = await Promise.all([startTestServer({ clock }), launchBrowser()]);
  w = await seedWorld(s);
  // Ba Đình declares two officers who digitise files, and has no scanner in its register.
  const u = await s.admin.patch(`/api/v1/units/${w.ward.code}`, {
    areaM2: 48,
    officers: 2,
    digitizingOfficers: 2,
  });
  expect(u.status).toBe(200);
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await s?.stop();
});

async function phone(): Promise<Page> {
  const ctx = await newContext(browser, { viewport: PHONE });
  contexts.push(ctx);
  const page = await ctx.newPage();
  seen.push(watch(page));
  return page;
}

async function submit(page: Page, selector: string): Promise<number> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.click(selector),
  ]);
  await page.waitForLoadState();
  return res.status();
}

describe('register, label, scan, report', () => {
  it('an IT officer registers a photocopier on the phone and prints its QR label', async () => {
    const page = await phone();
    await signIn(page, s.url, w.it.username, TEST_PASSWORD);
    await page.goto(`${s.url}/equipment`);
    expect(await page.locator('.mainnav a[aria-current=page]').textContent()).toBe('Sổ thiết bị');
    await page.click('a[href="/equipment/new"]');
    await page.selectOption('select[name=unitCode]', { label: w.ward.name });
    await page.selectOption('select[name=kind]', 'photocopier');
    await page.fill('input[name=name]', 'Máy photocopy Canon iR 2625 quầy 1');
    await page.fill('input[name=manufacturer]', 'Canon');
    await page.fill('input[name=priceVnd]', '25,5 triệu');
    await page.fill('input[name=warrantyUntil]', '2099-12-31');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'equipment-new-phone');
    expect(await submit(page, 'form[data-testid=asset-form] button[type=submit]')).toBe(303);
    expect(new URL(page.url()).pathname).toMatch(/^\/equipment\/[^/]+$/);
    expect(await page.textContent('main')).toContain('Đã thêm thiết bị vào sổ.');
    expect(await page.textContent('main')).toContain('25.500.000');
    copier.id = new URL(page.url()).pathname.split('/')[2]!;
    copier.tag = (await page.locator('.asset-head .tag-text').textContent())!.trim();
    expect(copier.tag).toMatch(/^PT-[0-9A-Z]{6}$/);

    // The label sheet: one SVG QR code per asset, each with its tag, encoding <origin>/r/<tag>.
    await page.goto(`${s.url}/equipment/labels?unit=${w.ward.code}`);
    const labels = page.locator('.qr-label');
    const n = await labels.count();
    expect(n).toBeGreaterThan(0);
    expect(await page.locator('.qr-label svg.qr').count()).toBe(n);
    const mine = page.locator(`.qr-label[data-tag="${copier.tag}"]`);
    expect(await mine.locator('.tag-text').textContent()).toBe(copier.tag);
    expect(await mine.locator('svg.qr').getAttribute('data-qr')).toBe(`${s.url}/r/${copier.tag}`);
    expect(await mine.locator('svg.qr path').getAttribute('d')).toMatch(/^M\d+ \d+h\d+v1h-\d+z/);
    expect(await page.locator('button[data-print]').isVisible()).toBe(true);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'equipment-labels-phone');
    // Printed: labels only (no header, tabs or buttons), three to a row.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.topbar').isVisible()).toBe(false);
    expect(await page.locator('.labels-head').isVisible()).toBe(false);
    expect(await mine.isVisible()).toBe(true);
    const cols = await page
      .locator('.label-sheet')
      .first()
      .evaluate((el) => (globalThis as any).getComputedStyle(el).gridTemplateColumns as string);
    expect(cols.split(' ').length).toBe(3);
    await page
      .pdf({ path: 'test-results/screenshots/equipment-labels.pdf', format: 'A4' })
      .catch(() => undefined);
    await page.emulateMedia({ media: 'screen' });
  });

  it('a unit head scans the label signed out, signs in, reports the fault and sees the ticket number', async () => {
    const page = await phone();
    await page.goto(`${s.url}/r/${copier.tag}`);
    // Not signed in: the sign-in page, which brings the head back to the form.
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/r/${copier.tag}`);
    await page.fill('input[name=username]', w.head.username);
    await page.fill('input[name=password]', TEST_PASSWORD);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/r/${copier.tag}`),
      page.click('form[action="/login"] button[type=submit]'),
    ]);
    expect(await page.textContent('h1')).toBe('Báo hỏng thiết bị');
    expect(await page.textContent('[data-testid=report-asset]')).toContain(
      'Máy photocopy Canon iR 2625 quầy 1',
    );
    expect(await overflowsHorizontally(page)).toBe(false);
    // A big, thumb-sized submit button across the screen.
    const btn = await page.locator('form.report-form button[type=submit]').boundingBox();
    expect(btn!.width).toBeGreaterThan(300);
    expect(btn!.height).toBeGreaterThanOrEqual(48);
    await page.fill('textarea[name=description]', 'Kẹt giấy liên tục ở khay 2, bản chụp bị sọc đen');
    await page.check('input[name=severity][value=critical]');
    await screenshot(page, 'equipment-report-phone');
    expect(await submit(page, 'form.report-form button[type=submit]')).toBe(303);
    const done = (await page.textContent('[data-testid=report-done] h1'))!;
    const number = /Đã tạo phiếu số (\d+)/.exec(done)?.[1];
    expect(number).toBeTruthy();
    await screenshot(page, 'equipment-reported-phone');
    const api = (await s.admin.get(`/api/v1/assets/${copier.id}`)).body;
    expect(api.status).toBe('broken');
    expect(String(api.tickets[0].number)).toBe(number);

    // The asset page: broken, the ticket in its repair history.
    await page.click('text=Xem trang thiết bị');
    await page.waitForLoadState();
    expect((await page.textContent('[data-testid=asset-status]'))!.trim()).toBe('Hỏng');
    const row = page.locator('#asset-tickets tbody tr', { hasText: `#${number}` });
    expect(await row.count()).toBe(1);
    expect(await page.textContent('[data-testid=asset-timeline]')).toContain('Đang dùng → Hỏng');
    expect(await page.textContent('[data-testid=warranty]')).toContain('Còn bảo hành đến 31/12/2099');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'equipment-asset-phone');

    // Scanned again: the ticket already open, not a second one.
    await page.goto(`${s.url}/r/${copier.tag}`);
    expect(await page.textContent('[data-testid=report-already] h1')).toBe(
      `Thiết bị này đã có phiếu số ${number} đang xử lý`,
    );
  });
});

describe('compliance and the standard', () => {
  it('the compliance page shows a ward that lacks scanners, and its checklist', async () => {
    const page = await phone();
    await signIn(page, s.url, w.it.username, TEST_PASSWORD);
    await page.goto(`${s.url}/compliance`);
    const card = page.locator('[data-requirement=scanner_per_digitizing_officer]');
    expect(await card.locator('.req-figure').textContent()).toMatch(/^0\/126 đơn vị đạt$/);
    expect(await card.locator('[data-testid=lacking]').textContent()).toContain(
      '126/126 đơn vị chưa đủ máy quét (1 cho mỗi cán bộ số hóa)',
    );
    const link = card.locator('li a', { hasText: w.ward.name });
    expect(await link.count()).toBe(1);
    expect(await card.locator('li', { hasText: w.ward.name }).textContent()).toContain('có 0, cần 2');
    expect(await page.textContent('#broken')).toContain('Máy photocopy');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'compliance-phone');
    await card.locator('details summary').click();
    await Promise.all([page.waitForURL((u) => u.searchParams.get('unit') === w.ward.code), link.click()]);
    const check = page.locator('#checklist tbody tr', { hasText: 'Mỗi cán bộ số hoá hồ sơ một máy quét' });
    expect(await check.textContent()).toContain('Chưa đạt');
    expect(await page.locator('#checklist tbody tr', { hasText: 'Diện tích' }).textContent()).toContain(
      'Đạt',
    );
    await screenshot(page, 'compliance-unit-phone');
  });

  it('the administrator changes a threshold in the standard’s form', async () => {
    const page = await phone();
    await signIn(page, s.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${s.url}/equipment/standard`);
    await page.click('a[href="/equipment/standard/edit"]');
    const block = page.locator('fieldset.req-row', {
      has: page.locator('input[name$=".id"][value=photocopier]'),
    });
    expect(await block.count()).toBe(1);
    await block.locator('input[name$=".threshold"]').fill('2');
    await block.locator('input[name$=".legalBasis"]').fill('Quyết định 1234/QĐ-UBND ngày 15/03/2026');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'standard-edit-phone');
    expect(await submit(page, 'button[name=op][value=save]')).toBe(303);
    expect(await page.textContent('main')).toContain('Đã ban hành tiêu chuẩn phiên bản 2.');
    const row = page.locator('#requirements tbody tr', { hasText: 'Có máy photocopy' });
    expect(await row.textContent()).toContain('Ít nhất 2 máy photocopy đang dùng');
    expect(await row.textContent()).toContain('Quyết định 1234/QĐ-UBND');
    expect((await s.admin.get('/api/v1/equipment-standard')).body.version).toBe(2);
  });
});

describe('import', () => {
  it('uploads a file with a progress bar and shows the dry run’s errors or valid rows', async () => {
    const page = await phone();
    await signIn(page, s.url, w.it.username, TEST_PASSWORD);
    await page.goto(`${s.url}/equipment/import`);
    expect(await page.locator('#import-form').isVisible()).toBe(true);
    const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n');
    // A large file with a bad last row, over a slow uplink (60 KB/s): the bar moves while it uploads,
    // then the table of errors (row, column, error).
    const good = Array.from({ length: 2000 }, (_, i) => [
      w.ward.code,
      'Máy quét',
      `Máy quét Fujitsu fi-7160 quầy ${i + 1}, dãy tiếp nhận hồ sơ đất đai và xây dựng`,
    ]);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 60 * 1024,
    });
    await page.setInputFiles('#import-file', {
      name: 'so-thiet-bi.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        csv([
          ['Đơn vị (mã)', 'Loại', 'Tên thiết bị'],
          ...good,
          [w.ward.code, 'Máy bay', 'Không phải thiết bị'],
        ]),
      ),
    });
    await page.evaluate(`(() => {
      const bar = document.querySelector('#import-progress progress');
      const text = document.getElementById('import-progress-text');
      window.__samples = [];
      window.__sampler = setInterval(() => {
        if (!document.getElementById('import-progress').hidden)
          window.__samples.push([Number(bar.value), text.textContent]);
      }, 40);
    })()`);
    await page.click('#import-check');
    await page.waitForSelector('#import-result:not([hidden])', { timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const samples = await page.evaluate<[number, string][]>(
      '(clearInterval(window.__sampler), window.__samples)',
    );
    const moving = samples.filter(([v]) => v > 0 && v < 100);
    expect(moving.length).toBeGreaterThan(0);
    expect(moving[0]![1]).toMatch(/^Đang tải tệp lên… \d+ %$/);
    expect(await page.locator('#import-progress').isVisible()).toBe(false);
    expect(await page.locator('#import-errors tbody tr').count()).toBe(1);
    expect(await page.textContent('#import-errors tbody tr')).toContain(String(good.length + 2));
    expect(await page.textContent('#import-result')).toContain('Tệp có 1 lỗi.');
    expect(await page.locator('#import-commit-box').isVisible()).toBe(false);
    await screenshot(page, 'equipment-import-errors-phone');
    // A good file: "N dòng hợp lệ", then written to the register.
    await page.setInputFiles('#import-file', {
      name: 'so-thiet-bi.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        csv([
          ['Đơn vị (mã)', 'Loại', 'Tên thiết bị'],
          [w.ward.code, 'Máy quét', 'Máy quét Fujitsu fi-7160 quầy 2'],
          [w.ward.code, 'Máy quét', 'Máy quét Fujitsu fi-7160 quầy 3'],
        ]),
      ),
    });
    await page.click('#import-check');
    await page.waitForSelector('#import-commit-box:not([hidden])');
    expect(await page.textContent('#import-result')).toContain('2 dòng hợp lệ');
    await page.click('#import-commit');
    await page.waitForSelector('#import-done:not([hidden])');
    expect(await page.textContent('#import-result')).toContain('Đã ghi 2 thiết bị vào sổ.');
    await screenshot(page, 'equipment-import-done-phone');
    const list = (await w.it.client.get(`/api/v1/assets?unit=${w.ward.code}&kind=scanner`)).body.items;
    expect(list.length).toBe(2);
  });

  it('nothing on the way showed a dialog or threw in the page', () => {
    for (const x of seen) {
      expect(x.dialogs).toEqual([]);
      expect(x.errors).toEqual([]);
    }
  });
});
