/**
 * The fleet pages over HTTP, against a simulated fleet (agents enrolled and reporting over the real
 * agent API, the scheduler's silence and rollup jobs run by hand): health by unit, a ward's devices,
 * the device page (latest reading, peripherals, history chart), the evidence chart of an agent
 * ticket, revocation, maintenance windows and the check policy with its inherited values — with the
 * API's scope, and escaping of what agents send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, seedFleet } from '../e2e/helpers/fleet.js';
import { nextMondayMorning, seedWorld, type World } from '../e2e/helpers/seed.js';
import { ManualClock } from '../helpers/clock.js';
import { TEST_PASSWORD } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { textOf, UiClient } from './helpers/ui-client.js';

let s: TestServer;
let w: World;
let f: Fleet;
let it1: UiClient;
let head: UiClient;
let otherHead: UiClient;
let admin: UiClient;
const clock = new ManualClock(nextMondayMorning());

async function ui(username: string, password = TEST_PASSWORD) {
  const c = new UiClient(s.url);
  await c.signIn(username, password);
  return c;
}

beforeAll(async () => {
  s = await startTestServer({ clock });
  w = await seedWorld(s);
  f = await seedFleet(s, w, clock);
  [it1, head, otherHead, admin] = await Promise.all([
    ui(w.it.username),
    ui(w.head.username),
    ui(w.otherHead.username),
    ui('admin', ADMIN_PASSWORD),
  ]);
}, 120_000);
afterAll(async () => s?.stop());

describe('health by unit', () => {
  it('counts devices by status over the city, worst units first', async () => {
    const r = await it1.get('/fleet');
    expect(r.status).toBe(200);
    const totals = textOf(r.html.slice(r.html.indexOf('data-testid="fleet-totals"')));
    expect(totals).toMatch(/1 Mất liên lạc/);
    expect(totals).toMatch(/2 Suy giảm/);
    expect(totals).toMatch(/1 Đang bảo trì/);
    // Ba Đình (a silent and two degraded PCs) comes first; Ngọc Hà (maintenance) is listed too.
    const unitRows = (html: string) =>
      [...html.slice(html.indexOf('id="fleet-units"')).matchAll(/<a href="\/fleet\/units\/([^"]+)">/g)].map(
        (m) => m[1],
      );
    const rows = unitRows(r.html);
    expect(rows[0]).toBe(w.ward.code);
    const onlyProblems = await it1.get('/fleet?problems=1');
    // Ngọc Hà has a PC in maintenance, which is not a problem.
    expect(unitRows(onlyProblems.html)).toEqual([w.ward.code]);
  });

  it('lists a ward’s PCs with their status, escaping names agents send', async () => {
    const r = await it1.get(`/fleet/units/${w.ward.code}`);
    expect(r.status).toBe(200);
    const text = textOf(r.html);
    for (const h of ['MOTCUA-BD-01', 'MOTCUA-BD-02', 'MOTCUA-BD-03', 'MOTCUA-BD-04'])
      expect(text).toContain(h);
    expect(r.html).not.toContain('<script>alert("pc")');
    expect(text).toContain(f.hostileName);
    expect(text).toContain('Mất liên lạc');
    // The tickets detection opened are listed under the ward.
    expect(text).toContain('Ổ đĩa C: sắp đầy trên máy MOTCUA-BD-02');
  });

  it('a unit head sees their own ward only', async () => {
    const mine = await otherHead.get('/fleet');
    expect(mine.status).toBe(200);
    expect(textOf(mine.html)).toContain('MOTCUA-NH-02');
    expect(textOf(mine.html)).not.toContain('MOTCUA-BD-01');
    expect((await otherHead.get(`/fleet/units/${w.ward.code}`)).status).toBe(404);
    expect((await otherHead.get(`/fleet/devices/${f.diskLow.deviceId}`)).status).toBe(404);
    expect((await head.get(`/fleet/devices/${f.diskLow.deviceId}`)).status).toBe(200);
  });
});

describe('the device page', () => {
  it('shows the latest reading, peripherals against the policy, and the history chart', async () => {
    const r = await it1.get(`/fleet/devices/${f.diskLow.deviceId}`);
    expect(r.status).toBe(200);
    const latest = textOf(r.html.slice(r.html.indexOf('data-testid="latest"')));
    expect(latest).toContain('3 %');
    expect(latest).toContain('Cổng Dịch vụ công quốc gia');
    const history = r.html.slice(r.html.indexOf('data-testid="history"'));
    expect(history).toContain('<svg class="chart"');
    // Hourly rollups and the newest raw readings: a day of points.
    expect((history.match(/<circle /g) ?? []).length).toBeGreaterThan(20);
    expect(textOf(history)).toContain('ngưỡng cảnh báo');
    const periph = textOf(r.html.slice(r.html.indexOf('data-testid="peripherals"')));
    expect(periph).toContain('Máy quét hồ sơ');
    expect(periph).toContain('Fujitsu fi-7160');
    const missing = await it1.get(`/fleet/devices/${f.noScanner.deviceId}`);
    expect(missing.html).toMatch(/exp-missing[^>]*>.*Thiếu.*Máy quét hồ sơ/s);
  });

  it('charts the metric that opened an agent ticket, with the device’s thresholds', async () => {
    const list = (await w.it.client.get(`/api/v1/tickets?unit=${w.ward.code}&limit=100`)).body.items as {
      id: string;
      title: string;
      deviceId?: string;
    }[];
    const disk = list.find((x) => x.deviceId === f.diskLow.deviceId)!;
    const r = await it1.get(`/tickets/${disk.id}`);
    const evidence = r.html.slice(r.html.indexOf('data-testid="evidence"'));
    expect(evidence).toContain('<svg class="chart"');
    expect(textOf(evidence)).toContain('Dung lượng ổ đĩa còn trống (%)');
    expect(textOf(evidence)).toContain('ngưỡng nghiêm trọng');
    expect(r.html).toContain(`href="/fleet/devices/${f.diskLow.deviceId}"`);
  });

  it('lets IT staff revoke a PC’s token, and not a unit head', async () => {
    const headPage = await head.get(`/fleet/devices/${f.hostile.deviceId}`);
    expect(headPage.html).not.toContain('/revoke"');
    expect((await head.post(`/fleet/devices/${f.hostile.deviceId}/revoke`, {})).status).toBe(403);
    await it1.get(`/fleet/devices/${f.hostile.deviceId}`);
    const r = await it1.post(`/fleet/devices/${f.hostile.deviceId}/revoke`, {});
    expect(r.status).toBe(303);
    expect(textOf((await it1.get(r.location!)).html)).toContain('Đã thu hồi mã của máy.');
    expect((await w.it.client.get(`/api/v1/devices/${f.hostile.deviceId}`)).body.revokedAt).toBeTruthy();
  });
});

describe('maintenance windows', () => {
  it('declares a weekly window in Vietnam time, lists it, and cancels it', async () => {
    await it1.get('/fleet/windows');
    const bad = await it1.post('/fleet/windows', {
      unitCode: w.ward.code,
      startsAt: '',
      endsAt: '',
      reason: 'x',
    });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('id="f-startsAt-error"');
    const q = new URLSearchParams();
    q.set('_csrf', it1.lastCsrf!);
    for (const [k, v] of [
      ['unitCode', w.ward.code],
      ['startsAt', '2026-12-05T07:00'],
      ['endsAt', '2026-12-05T11:00'],
      ['repeat', 'weekly'],
      ['byWeekday', '6'],
      ['byWeekday', '7'],
      ['reason', 'Bảo trì định kỳ cuối tuần'],
    ])
      q.append(k!, v!);
    const r = await it1.request('POST', '/fleet/windows', q.toString());
    expect(r.status, textOf(r.html).slice(0, 300)).toBe(303);
    const api = (await w.it.client.get(`/api/v1/maintenance-windows?unit=${w.ward.code}`)).body
      .items as any[];
    const win = api.find((x) => x.reason === 'Bảo trì định kỳ cuối tuần');
    expect(win.startsAt).toBe('2026-12-05T00:00:00.000Z');
    expect(win.recurrence).toEqual({ freq: 'weekly', byWeekday: [6, 7] });
    const page = textOf((await it1.get('/fleet/windows')).html);
    expect(page).toContain('Hằng tuần: Thứ Bảy, Chủ nhật');
    await it1.get('/fleet/windows');
    expect((await it1.post(`/fleet/windows/${win.id}/cancel`, {})).status).toBe(303);
    expect((await w.it.client.get(`/api/v1/maintenance-windows/${win.id}`)).body.cancelledAt).toBeTruthy();
  });
});

describe('check policy', () => {
  it('says where each value comes from, and overrides or inherits through the form', async () => {
    let r = await it1.get(`/admin/policy/${w.ward.code}`);
    expect(r.status).toBe(200);
    const row = (key: string) => textOf(r.html.slice(r.html.indexOf(`data-key="${key}"`)).split('</tr>')[0]!);
    expect(row('peripherals')).toContain('Đơn vị này đặt');
    expect(row('openAfter')).toContain('Mặc định của hệ thống');

    // Set at the city: the ward inherits it.
    await admin.get('/admin/policy/HN');
    expect((await admin.post('/admin/policy/HN', { openAfter: '4' })).status).toBe(303);
    r = await it1.get(`/admin/policy/${w.ward.code}`);
    expect(row('openAfter')).toContain('Kế thừa từ Thành phố Hà Nội (HN)');
    expect(row('openAfter')).toContain('4');

    // The ward overrides the interval, then gives it back; bad JSON is refused on the form.
    await it1.get(`/admin/policy/${w.ward.code}`);
    const peripherals = JSON.stringify(
      (await w.it.client.get(`/api/v1/units/${w.ward.code}/policy`)).body.own.peripherals.expected,
    );
    expect((await it1.post(`/admin/policy/${w.ward.code}`, { intervalSec: '120', peripherals })).status).toBe(
      303,
    );
    expect((await w.it.client.get(`/api/v1/units/${w.ward.code}/policy`)).body.own.intervalSec).toBe(120);
    await it1.get(`/admin/policy/${w.ward.code}`);
    const bad = await it1.post(`/admin/policy/${w.ward.code}`, { targets: '[{"id": ', peripherals });
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toContain('JSON không đọc được.');
    await it1.get(`/admin/policy/${w.ward.code}`);
    expect((await it1.post(`/admin/policy/${w.ward.code}`, { intervalSec: '', peripherals })).status).toBe(
      303,
    );
    const own = (await w.it.client.get(`/api/v1/units/${w.ward.code}/policy`)).body.own;
    expect(own.intervalSec).toBeUndefined();
    expect(own.peripherals.expected).toHaveLength(2);

    // A unit head reads it, and cannot change it.
    const hp = await head.get(`/admin/policy/${w.ward.code}`);
    expect(hp.status).toBe(200);
    expect(hp.html).not.toContain(`action="/admin/policy/${w.ward.code}"`);
    expect((await head.post(`/admin/policy/${w.ward.code}`, { openAfter: '9' })).status).toBe(403);
  });
});
