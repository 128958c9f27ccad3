/**
 * The main journeys of issue 6 in a real browser, against the real server over Hanoi's 126 units:
 * a fault reaches the IT queue; IT estimates a cost; the unit head approves it in the inbox; IT
 * resolves; the matrix editor refuses a matrix with a gap and shows the cell; hostile text renders
 * as text; a unit head cannot open another unit's ticket by URL. Each step is also checked against
 * the JSON API, and the pages are screenshotted along the way.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/clock.js';
import { TEST_PASSWORD } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { launchBrowser, newContext, PHONE, screenshot, signIn, watch } from './helpers/browser.js';
import { enrollPc, FULL_DESK, sendReadings, series } from './helpers/fleet.js';
import { act, nextMondayMorning, openTicket, seedWorld, type World } from './helpers/seed.js';

let s: TestServer;
let w: World;
let browser: Browser;
const clock = new ManualClock(nextMondayMorning());
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [s, browser] = await Promise.all([startTestServer({ clock }), launchBrowser()]);
  w = await seedWorld(s);
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await s?.stop();
});

async function as(username: string, password = TEST_PASSWORD, viewport?: { width: number; height: number }) {
  const ctx = await newContext(browser, { viewport });
  contexts.push(ctx);
  const page = await ctx.newPage();
  const seen = watch(page);
  await signIn(page, s.url, username, password);
  return { page, seen };
}

/** Clicks a submit button and waits for the post-redirect-get to land. */
async function submit(page: Page, selector: string): Promise<number> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.click(selector),
  ]);
  await page.waitForLoadState();
  return res.status();
}

describe('a fault, its estimate, the approval and the repair', () => {
  it('goes from an agent’s reports to the IT queue, through the unit head’s inbox, to resolved', async () => {
    // A simulated counter PC at Ba Đình whose scanner is unplugged: three reports in a row (the
    // policy's openAfter) make the server open a ticket, with no person involved.
    const pol = await s.admin.put(`/api/v1/units/${w.ward.code}/policy`, {
      peripherals: {
        expected: [{ kind: 'scanner', label: 'Máy quét hồ sơ', match: { nameIncludes: 'fi-' } }],
      },
    });
    expect(pol.status).toBe(200);
    const pc = await enrollPc(s.admin, w.ward.code, 'MOTCUA-BD-07');
    await sendReadings(
      pc,
      series(clock.now(), 3, 1, () => ({ peripherals: FULL_DESK.filter((p) => p.kind !== 'scanner') })),
    );
    const opened = (await w.it.client.get(`/api/v1/tickets?unit=${w.ward.code}`)).body.items.find(
      (x: { deviceId?: string }) => x.deviceId === pc.deviceId,
    );
    expect(opened?.source).toBe('agent');
    const ticket = { id: opened.id as string, number: opened.number as number };
    const title = opened.title as string;
    expect(title).toContain('MOTCUA-BD-07');

    // 1. It appears in the IT queue.
    const it = await as(w.it.username);
    await it.page.goto(`${s.url}/queue`);
    const row = it.page.locator('#queue tbody tr', { hasText: title });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(w.ward.name);
    await screenshot(it.page, 'journey-1-queue');

    // 2. IT takes it, starts, and estimates the cost as people write it.
    await Promise.all([it.page.waitForURL(/\/tickets\//), row.locator('a').first().click()]);
    expect(await submit(it.page, 'button[name=action][value=acknowledge]')).toBe(303);
    expect(await it.page.locator('.flash').textContent()).toContain('Đã tiếp nhận phiếu.');
    expect(await submit(it.page, '[data-form=assign] button:has-text("Nhận xử lý")')).toBe(303);
    expect(await submit(it.page, 'button[name=action][value=start]')).toBe(303);
    await it.page.fill('#cost', '12.500.000');
    await it.page.fill('#estimate-note', 'Thay cụm con lăn kéo giấy, báo giá kèm theo');
    expect(await submit(it.page, '[data-form=estimate] button[type=submit]')).toBe(303);
    expect(await it.page.locator('[data-testid=approval-chain]').textContent()).toContain('Đang chờ');
    expect((await it.page.locator('.money').first().textContent())?.replace(/\u00a0/g, ' ')).toBe(
      '12.500.000 ₫',
    );
    await screenshot(it.page, 'journey-2-ticket-estimated');
    let api = (await w.it.client.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(api.status).toBe('awaiting_approval');
    expect(api.costEstimateVnd).toBe(12_500_000);

    // 3. The unit head sees it in the inbox with the cost, the rule and the basis, and approves.
    const head = await as(w.head.username);
    await head.page.goto(`${s.url}/approvals`);
    const card = head.page.locator(`[data-ticket="${ticket.id}"]`);
    // Intl writes a no-break space before ₫: compare text as a person reads it.
    const text = (await card.textContent())?.replace(/\s+/g, ' ');
    expect(text).toContain('12.500.000 ₫');
    expect(text).toContain('commune-major-b1');
    expect(text).toContain(title);
    expect(text).toContain('Căn cứ');
    await screenshot(head.page, 'journey-3-inbox');
    await card.locator('textarea[name=note]').fill('Đồng ý thay thế, đề nghị bảo hành 12 tháng');
    expect(await submit(head.page, `[data-ticket="${ticket.id}"] button[value=approve]`)).toBe(303);
    expect(await head.page.locator('.flash').textContent()).toContain(
      `Đã phê duyệt phiếu #${ticket.number}.`,
    );
    api = (await w.it.client.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(api.status).toBe('approved');

    // 4. IT resolves; the unit head closes it after checking.
    await it.page.reload();
    expect(await it.page.locator('[data-testid=approval-chain]').textContent()).toContain('Phê duyệt');
    await it.page.fill('#status-note', 'Đã thay con lăn, quét thử 20 trang đạt');
    expect(await submit(it.page, 'button[name=action][value=resolve]')).toBe(303);
    api = (await w.it.client.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(api.status).toBe('resolved');
    const timeline = await it.page.locator('[data-testid=timeline]').textContent();
    for (const step of [
      'Mở phiếu',
      'Tiếp nhận',
      'Giao việc',
      'Bắt đầu xử lý',
      'Lập dự toán',
      'Quyết định phê duyệt',
      'Báo đã khắc phục',
    ])
      expect(timeline).toContain(step);
    await screenshot(it.page, 'journey-4-resolved');
    await head.page.goto(`${s.url}/tickets/${ticket.id}`);
    expect(await submit(head.page, 'button[name=action][value=close]')).toBe(303);
    expect((await w.it.client.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('closed');
    expect([...it.seen.dialogs, ...it.seen.errors, ...head.seen.dialogs, ...head.seen.errors]).toEqual([]);
  });
});

describe('the matrix editor', () => {
  it('refuses a matrix with a gap and shows the cell; the matrix in force stays', async () => {
    const admin = await as('admin', ADMIN_PASSWORD);
    await admin.page.goto(`${s.url}/matrix/edit`);
    const json = JSON.parse(await admin.page.inputValue('#matrix-json')) as { rules: { id: string }[] };
    json.rules = json.rules.filter((r) => r.id !== 'commune-critical-b0');
    await admin.page.fill('#matrix-json', JSON.stringify(json, null, 2));
    expect(await submit(admin.page, 'button[name=op][value=save]')).toBe(422);
    expect(await admin.page.locator('.form-summary').first().textContent()).toContain('6 ô thiếu quy tắc');
    const cell = admin.page.locator(
      'td.mcell-gap[data-level=commune][data-category=network][data-severity=critical][data-band="0"]',
    );
    expect(await cell.count()).toBe(1);
    await cell.scrollIntoViewIfNeeded();
    expect(await cell.isVisible()).toBe(true);
    expect(await cell.textContent()).toContain('Thiếu quy tắc');
    await screenshot(admin.page, 'journey-5-matrix-gap');
    expect((await s.admin.get('/api/v1/matrix')).body.version).toBe(1);
  });
});

describe('safety', () => {
  it('shows a host name an agent sent as markup as text, on the fleet and device pages', async () => {
    const evil = '<img src=x onerror=alert("pc")><script>alert(1)</script>PC-07';
    const pc = await enrollPc(s.admin, w.ward.code, evil);
    await sendReadings(pc, [{ at: clock.now() }]);
    const it = await as(w.it.username);
    for (const path of [`/fleet/units/${w.ward.code}`, `/fleet/devices/${pc.deviceId}`]) {
      await it.page.goto(`${s.url}${path}`);
      expect(await it.page.locator('main').textContent()).toContain(evil);
      expect(await it.page.locator('main img, main script').count()).toBe(0);
    }
    await screenshot(it.page, 'journey-7-hostile-hostname');
    expect(it.seen.dialogs).toEqual([]);
  });

  it('renders injected markup as text, and runs none of it', async () => {
    const evil = '<script>alert("xss")</script><img src=x onerror=alert(2)>';
    const t = await openTicket(w.it.client, {
      unitCode: w.ward.code,
      category: 'software',
      severity: 'minor',
      title: evil,
      description: evil,
    });
    await act(w.it.client, t.id, { action: 'comment', note: evil });
    const it = await as(w.it.username);
    for (const path of [`/tickets/${t.id}`, '/queue']) {
      await it.page.goto(`${s.url}${path}`);
      expect(await it.page.locator('main').textContent()).toContain(evil);
      expect(await it.page.locator('main script').count()).toBe(0);
      expect(await it.page.locator('main img').count()).toBe(0);
    }
    expect(it.seen.dialogs).toEqual([]);
  });

  it("a unit head cannot open another unit's ticket by URL", async () => {
    const t = await openTicket(w.it.client, {
      unitCode: w.otherWard.code,
      category: 'network',
      severity: 'major',
      title: 'Mất kết nối tại Ngọc Hà',
    });
    const head = await as(w.head.username, TEST_PASSWORD, PHONE);
    const res = await head.page.goto(`${s.url}/tickets/${t.id}`);
    expect(res?.status()).toBe(404);
    expect(await head.page.locator('h1').textContent()).toBe('Không tìm thấy trang');
    expect(await head.page.locator('main').textContent()).not.toContain('Mất kết nối tại Ngọc Hà');
    await screenshot(head.page, 'journey-6-other-unit-404-phone');
    // Its own head can.
    const other = await as(w.otherHead.username);
    expect((await other.page.goto(`${s.url}/tickets/${t.id}`))?.status()).toBe(200);
  });
});
