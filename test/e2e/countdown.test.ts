/**
 * Live SLA countdowns in a real browser, time driven by Playwright's clock (no sleeping): a ticket's
 * countdown ticks down, turns amber in its last hour and red once overdue without a reload; a counter
 * PC whose clock is hours off still shows the server's remaining time; and the script's text and colour
 * equal the server's `countdown()` for a table of deadlines, in Vietnamese and English.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countdown } from '../../server/ui/format.js';
import { ManualClock } from '../helpers/clock.js';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchBrowser, newContext, signIn, watch } from './helpers/browser.js';
import { nextMondayMorning } from './helpers/seed.js';

const MIN = 60_000;
let s: TestServer;
let browser: Browser;
let username: string;
let ticket: { id: string; respondBy: Date; resolveBy: Date };
const clock = new ManualClock(nextMondayMorning());
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [s, browser] = await Promise.all([startTestServer({ clock }), launchBrowser()]);
  await createUnit(s.admin, { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' });
  const it = await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }], {
    displayName: 'Trần Văn Minh',
  });
  username = it.user.username;
  const r = await it.client.post('/api/v1/tickets', {
    unitCode: '00004',
    category: 'peripheral',
    severity: 'major',
    title: 'Máy quét hồ sơ quầy 1 không nhận lệnh quét',
  });
  expect(r.status).toBe(201);
  ticket = {
    id: r.body.id,
    respondBy: new Date(r.body.sla.respondBy),
    resolveBy: new Date(r.body.sla.resolveBy),
  };
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await s?.stop();
});

/**
 * Signs in, then opens the ticket page with the browser's clock paused at `pcTime` — the counter PC's
 * own idea of "now", which need not be the server's — so every later instant is exact.
 */
async function openTicketAt(pcTime: number, locale = 'vi-VN'): Promise<{ page: Page; errors: string[] }> {
  const ctx = await newContext(browser, { locale });
  contexts.push(ctx);
  const page = await ctx.newPage();
  const seen = watch(page);
  await signIn(page, s.url, username, TEST_PASSWORD);
  await page.clock.install({ time: pcTime - 1000 });
  await page.clock.pauseAt(pcTime);
  await page.goto(`${s.url}/tickets/${ticket.id}`);
  // Marks this document: still there later means nothing reloaded the page.
  await page.evaluate('window.__sameDocument = true');
  return { page, errors: seen.errors };
}

const countdownOf = (page: Page, due: Date) =>
  page.locator(`time[data-countdown][datetime="${due.toISOString()}"]`);

async function shown(page: Page, due: Date): Promise<{ text: string | null; cls: string | null }> {
  const el = countdownOf(page, due);
  return { text: await el.textContent(), cls: await el.getAttribute('class') };
}

describe('a ticket page left open', () => {
  it('counts down, turns amber in the last hour and red once overdue, without a reload', async () => {
    const t0 = clock.now().getTime();
    const due = ticket.respondBy;
    const left = due.getTime() - t0;
    expect(left).toBeGreaterThan(2 * 60 * MIN); // a major fault's response time, in working hours
    const { page, errors } = await openTicketAt(t0);
    expect(await shown(page, due)).toEqual({
      text: countdown(due, new Date(t0), 'vi').text,
      cls: 'nowrap countdown-ok',
    });

    // Half an hour later: the 30-second tick has redone the text.
    await page.clock.fastForward(30 * MIN);
    expect((await shown(page, due)).text).toBe(countdown(due, new Date(t0 + 30 * MIN), 'vi').text);

    // Five and a half minutes before the deadline: amber.
    await page.clock.fastForward(left - 30 * MIN - 5.5 * MIN);
    expect(await shown(page, due)).toEqual({ text: 'còn 5 phút', cls: 'nowrap countdown-soon' });

    // Half a minute past it: red, and under a minute is said in words.
    await page.clock.fastForward(6 * MIN);
    expect(await shown(page, due)).toEqual({ text: 'quá hạn dưới 1 phút', cls: 'nowrap countdown-overdue' });

    await page.clock.fastForward(5 * MIN);
    expect(await shown(page, due)).toEqual({ text: 'quá hạn 5 phút', cls: 'nowrap countdown-overdue' });
    // The other deadline moved with it.
    expect((await shown(page, ticket.resolveBy)).text).toBe(
      countdown(ticket.resolveBy, new Date(due.getTime() + 5.5 * MIN), 'vi').text,
    );

    // Back to the tab after two hours away: no timer has fired yet, the tab being shown redoes it.
    await page.clock.setSystemTime(due.getTime() + 2 * 60 * MIN + 5.5 * MIN);
    expect((await shown(page, due)).text).toBe('quá hạn 5 phút');
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
    expect((await shown(page, due)).text).toBe('quá hạn 2 giờ 5 phút');

    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect(errors).toEqual([]);
  });

  it.each([
    ['five hours fast', 5 * 60 * MIN],
    ['three hours and a quarter slow', -(3 * 60 + 17) * MIN],
  ])('shows the server’s remaining time on a PC whose clock is %s', async (_, offBy) => {
    const t0 = clock.now().getTime();
    const due = ticket.respondBy;
    const { page, errors } = await openTicketAt(t0 + offBy);
    await page.clock.fastForward(30_000);
    const want = countdown(due, new Date(t0 + 30_000), 'vi');
    expect(want.urgency).toBe('ok');
    expect(await shown(page, due)).toEqual({ text: want.text, cls: 'nowrap countdown-ok' });
    // Taken at face value, this PC's clock would have said something else entirely.
    expect(countdown(due, new Date(t0 + offBy + 30_000), 'vi').text).not.toBe(want.text);
    expect(errors).toEqual([]);
  });
});

/** Deadlines around every boundary the rules have, and a sweep across six days at odd steps. */
function offsets(): { left: number; soon: number }[] {
  const edges = [0, 1, 999, 59_999, 60_000, 60_001, 30 * MIN, 59 * MIN + 59_999, 60 * MIN, 60 * MIN + 1];
  const more = [
    61 * MIN,
    23 * 60 * MIN + 59 * MIN,
    24 * 60 * MIN,
    24 * 60 * MIN + MIN,
    25 * 60 * MIN,
    30 * 24 * 60 * MIN,
  ];
  const out: { left: number; soon: number }[] = [];
  for (const e of [...edges, ...more]) {
    out.push({ left: e, soon: 3_600_000 }, { left: -e, soon: 3_600_000 });
  }
  for (const e of [15 * MIN - 1, 15 * MIN, 15 * MIN + 1]) out.push({ left: e, soon: 15 * MIN });
  for (let left = -3 * 24 * 60 * MIN; left <= 3 * 24 * 60 * MIN; left += 7 * MIN + 13_001)
    out.push({ left, soon: 3_600_000 });
  return out;
}

describe('the script says what the server would', () => {
  it.each([
    ['vi', 'vi-VN'],
    ['en', 'en-GB'],
  ] as const)('for a table of deadlines in %s', async (lang, locale) => {
    const t0 = clock.now().getTime();
    const { page, errors } = await openTicketAt(t0 + 42 * MIN, locale); // and a PC clock 42 minutes fast
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    const now = t0 + 30_000; // the server's time at the first tick
    const rows = offsets().map((o) => ({ iso: new Date(now + o.left).toISOString(), soon: o.soon }));
    // Extra countdowns as the server renders them (text and colour left stale on purpose).
    await page.evaluate(`(function (rows) {
      var box = document.createElement('div');
      rows.forEach(function (r) {
        var el = document.createElement('time');
        el.setAttribute('datetime', r.iso); el.setAttribute('data-countdown', '');
        el.setAttribute('data-soon-ms', String(r.soon)); el.setAttribute('data-probe', '');
        el.className = 'nowrap countdown-ok'; el.textContent = '?';
        box.appendChild(el);
      });
      document.body.appendChild(box);
    })(${JSON.stringify(rows)})`);
    await page.clock.fastForward(30_000);
    const got = await page.evaluate<[string, string][]>(
      `Array.prototype.map.call(document.querySelectorAll('time[data-probe]'), function (e) { return [e.textContent, e.className]; })`,
    );
    const want = rows.map((r) => {
      const c = countdown(new Date(r.iso), new Date(now), lang, r.soon);
      return [c.text, `nowrap countdown-${c.urgency}`];
    });
    expect(got.length).toBe(rows.length);
    expect(got).toEqual(want);
    // The table reaches every colour.
    expect(new Set(got.map(([, c]) => c))).toEqual(
      new Set(['nowrap countdown-ok', 'nowrap countdown-soon', 'nowrap countdown-overdue']),
    );
    expect(errors).toEqual([]);
  });
});
