/**
 * What the page script needs to keep SLA countdowns live, over HTTP: every countdown marked with its
 * "soon" threshold, and `<body>` carrying the server's "now" (from the injected clock) and the words in
 * the reader's language — taken from the dictionary, not from the script. The browser side is in
 * test/e2e/countdown.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPT } from '../../server/ui/assets/script.js';
import { countdown } from '../../server/ui/format.js';
import { ManualClock } from '../helpers/clock.js';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { UiClient } from './helpers/ui-client.js';

// Monday 2 March 2026, 09:30 in Hanoi: inside working hours, so the deadlines are hours away.
const clock = new ManualClock('2026-03-02T02:30:00Z');
let s: TestServer;
let username: string;
let ticket: { id: string; sla: { respondBy: string; resolveBy: string } };

beforeAll(async () => {
  s = await startTestServer({ clock });
  await createUnit(s.admin, { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' });
  const it = await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }]);
  username = it.user.username;
  const r = await it.client.post('/api/v1/tickets', {
    unitCode: '00004',
    category: 'hardware',
    severity: 'major',
    title: 'Máy in phiếu hẹn quầy 2 kẹt giấy',
  });
  expect(r.status).toBe(201);
  ticket = r.body;
});
afterAll(async () => s?.stop());

/** The attributes of the first tag matching `tag`, entities of the escaper decoded. */
function attrsOf(html: string, tag: RegExp): Record<string, string> {
  const m = tag.exec(html);
  expect(m, String(tag)).not.toBeNull();
  const out: Record<string, string> = {};
  for (const a of m![0].matchAll(/([\w-]+)="([^"]*)"/g))
    out[a[1]!] = a[2]!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return out;
}

async function page(lang: 'vi' | 'en', path: string) {
  const ui = new UiClient(s.url, { 'accept-language': lang === 'en' ? 'en-GB,en;q=0.9' : 'vi-VN,vi;q=0.9' });
  await ui.signIn(username, TEST_PASSWORD);
  const r = await ui.get(path);
  expect(r.status).toBe(200);
  return r.html;
}

describe('live countdowns: what the page carries', () => {
  it.each([
    [
      'vi',
      {
        days: '{n} ngày',
        hours: '{n} giờ',
        minutes: '{n} phút',
        'under-minute': 'dưới 1 phút',
        remaining: 'còn {d}',
        overdue: 'quá hạn {d}',
      },
    ],
    [
      'en',
      {
        days: '{n} d',
        hours: '{n} h',
        minutes: '{n} min',
        'under-minute': 'under 1 min',
        remaining: '{d} left',
        overdue: '{d} overdue',
      },
    ],
  ] as const)(
    'the ticket page in %s: the server’s now, the words, and marked countdowns',
    async (lang, words) => {
      const html = await page(lang, `/tickets/${ticket.id}`);
      const body = attrsOf(html, /<body[^>]*>/);
      expect(body['data-now']).toBe(clock.now().toISOString());
      for (const [k, v] of Object.entries(words)) expect(body[`data-countdown-${k}`], k).toBe(v);

      // Both deadlines are live countdowns, each rendered as the script would redo it.
      const times = [...html.matchAll(/<time[^>]*data-countdown[^>]*>([^<]*)<\/time>/g)];
      expect(times.length).toBe(2);
      for (const [tag, text] of times) {
        const a = attrsOf(tag, /<time[^>]*>/);
        expect(a['data-countdown']).toBe('');
        expect(a['data-soon-ms']).toBe('3600000');
        expect([ticket.sla.respondBy, ticket.sla.resolveBy].map((d) => new Date(d).toISOString())).toContain(
          a.datetime,
        );
        const c = countdown(new Date(a.datetime!), clock.now(), lang);
        expect(text).toBe(c.text);
        expect(a.class).toBe(`nowrap countdown-${c.urgency}`);
      }
    },
  );

  it('marks the queue’s next deadlines too, and follows the injected clock', async () => {
    clock.advanceMinutes(7);
    const html = await page('vi', '/queue');
    expect(attrsOf(html, /<body[^>]*>/)['data-now']).toBe(clock.now().toISOString());
    expect(html).toMatch(/<time[^>]*data-countdown=""[^>]*data-soon-ms="3600000"[^>]*>còn [^<]+<\/time>/);
  });

  it('keeps the words out of the script: it reads them from the page', () => {
    expect(SCRIPT).toContain('time[data-countdown]');
    for (const word of ['giờ', 'phút', 'ngày', 'còn', 'quá hạn', 'under 1 min'])
      expect(SCRIPT).not.toContain(word);
  });
});
