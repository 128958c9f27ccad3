/**
 * One PC's own thresholds in a real browser: IT staff go from the device page to its check policy,
 * set a value for this PC alone, see where every value comes from, remove the override again (the
 * agent's config follows each step), and the same page fits a phone without a form for a unit head.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/clock.js';
import { TEST_PASSWORD } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  launchBrowser,
  newContext,
  overflowsHorizontally,
  PHONE,
  screenshot,
  signIn,
  watch,
} from './helpers/browser.js';
import { enrollPc, type SimPc } from './helpers/fleet.js';
import { nextMondayMorning, seedWorld, type World } from './helpers/seed.js';

let s: TestServer;
let w: World;
let browser: Browser;
let pc: SimPc;
const contexts: BrowserContext[] = [];
const clock = new ManualClock(nextMondayMorning());

beforeAll(async () => {
  [s, browser] = await Promise.all([startTestServer({ clock }), launchBrowser()]);
  w = await seedWorld(s);
  pc = await enrollPc(s.admin, w.ward.code, 'MOTCUA-BD-21');
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await s?.stop();
});

async function as(username: string, viewport?: { width: number; height: number }) {
  const ctx = await newContext(browser, { viewport });
  contexts.push(ctx);
  const page = await ctx.newPage();
  const seen = watch(page);
  await signIn(page, s.url, username, TEST_PASSWORD);
  return { page, seen };
}

async function submit(page: Page, selector: string): Promise<number> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.click(selector),
  ]);
  await page.waitForLoadState();
  return res.status();
}

const rowText = (page: Page, key: string) => page.locator(`tr[data-key="${key}"]`).textContent();

describe('a PC’s own thresholds', () => {
  it('are set from the device page, shown with their source, and removed again', async () => {
    const config = async () => (await pc.client.get('/api/v1/agent/config')).body as { etag: string };
    const first = await config();
    const it1 = await as(w.it.username);
    await it1.page.goto(`${s.url}/fleet/devices/${pc.deviceId}`);
    await Promise.all([it1.page.waitForURL(/\/policy$/), it1.page.click('text=Ngưỡng riêng của máy')]);
    expect(await it1.page.locator('h1').textContent()).toBe('Chính sách kiểm tra của máy MOTCUA-BD-21');

    await it1.page.fill('#f-warnFreePct', '20');
    await it1.page.fill('#f-critFreePct', '8');
    expect(await submit(it1.page, 'form.stack button[type=submit]')).toBe(303);
    expect(await it1.page.locator('.flash-success').textContent()).toContain('Đã lưu ngưỡng riêng của máy');
    expect(await rowText(it1.page, 'disk')).toContain('Đặt riêng cho máy này');
    expect(await rowText(it1.page, 'openAfter')).toContain('Mặc định của hệ thống');
    expect((await config()).etag).not.toBe(first.etag);
    await screenshot(it1.page, 'device-policy-override');

    // The device page now says the PC has its own values.
    await it1.page.goto(`${s.url}/fleet/devices/${pc.deviceId}`);
    expect(await it1.page.locator('[data-testid="own-policy"]').textContent()).toContain(
      'Ngưỡng ổ đĩa (% trống)',
    );

    await it1.page.goto(`${s.url}/fleet/devices/${pc.deviceId}/policy`);
    expect(await submit(it1.page, 'tr[data-key="disk"] button')).toBe(303);
    expect(await rowText(it1.page, 'disk')).toContain('Mặc định của hệ thống');
    expect(await it1.page.inputValue('#f-warnFreePct')).toBe('');
    expect((await config()).etag).toBe(first.etag);
    expect([...it1.seen.dialogs, ...it1.seen.errors]).toEqual([]);
  });

  it('read-only for the ward’s head, and fits a phone', async () => {
    const head = await as(w.head.username, PHONE);
    await head.page.goto(`${s.url}/fleet/devices/${pc.deviceId}/policy`);
    expect(await head.page.locator('form.stack').count()).toBe(0);
    expect(await head.page.textContent('main')).toContain('Bạn chỉ có quyền xem chính sách của máy này.');
    expect(await overflowsHorizontally(head.page)).toBe(false);
    await screenshot(head.page, 'device-policy-head-phone');
  });
});
