/**
 * One PC's check policy in the UI (/fleet/devices/:id/policy) over HTTP: where each value comes from
 * (set for this PC, inherited from a unit, built-in default), overriding and removing an override
 * through the form with the agent's config ETag following, refusals that write nothing (bad input,
 * no CSRF token, out of scope, read-only roles), the link from the device page, and escaping.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema.js';
import { enrollPc, type SimPc } from '../e2e/helpers/fleet.js';
import { nextMondayMorning, seedWorld, type World } from '../e2e/helpers/seed.js';
import { ManualClock } from '../helpers/clock.js';
import { expectNothingWritten } from '../helpers/db.js';
import { TEST_PASSWORD } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { textOf, UiClient } from './helpers/ui-client.js';

let s: TestServer;
let w: World;
let pc: SimPc;
let spare: SimPc;
let hostile: SimPc;
let it1: UiClient;
let head: UiClient;
let otherHead: UiClient;
let viewer: UiClient;
const HOSTILE = '<script>alert("pc")</script>MOTCUA-BD-09';
const clock = new ManualClock(nextMondayMorning());

async function ui(username: string) {
  const c = new UiClient(s.url);
  await c.signIn(username, TEST_PASSWORD);
  return c;
}

const href = (d: SimPc) => `/fleet/devices/${d.deviceId}/policy`;
const ownOf = async (d: SimPc) =>
  (await w.it.client.get(`/api/v1/devices/${d.deviceId}/policy`)).body.own as Record<string, unknown>;
const etagOf = async (d: SimPc) => {
  const r = await d.client.get('/api/v1/agent/config');
  expect(r.status).toBe(200);
  return r.body as { etag: string; intervalSec: number };
};
/** The text of one row of the lineage table. */
const row = (html: string, key: string) =>
  textOf(html.slice(html.indexOf(`data-key="${key}"`)).split('</tr>')[0]!);

beforeAll(async () => {
  s = await startTestServer({ clock });
  w = await seedWorld(s);
  const ward = w.ward.code;
  const pol = await s.admin.put(`/api/v1/units/${ward}/policy`, {
    peripherals: {
      expected: [{ kind: 'scanner', label: 'Máy quét hồ sơ', match: { nameIncludes: 'fi-' } }],
    },
  });
  expect(pol.status).toBe(200);
  [pc, spare, hostile] = await Promise.all([
    enrollPc(s.admin, ward, 'MOTCUA-BD-11'),
    enrollPc(s.admin, ward, 'MOTCUA-BD-12'),
    enrollPc(s.admin, ward, HOSTILE),
  ]);
  [it1, head, otherHead, viewer] = await Promise.all([
    ui(w.it.username),
    ui(w.head.username),
    ui(w.otherHead.username),
    ui('do.minh.chau'),
  ]);
}, 120_000);
afterAll(async () => s?.stop());

describe('lineage', () => {
  it('says for each value: set for this PC, inherited from the unit, or the built-in default', async () => {
    const api = await w.it.client.put(`/api/v1/devices/${spare.deviceId}/policy`, {
      disk: { warnFreePct: 25, critFreePct: 8 },
    });
    expect(api.status).toBe(200);
    const r = await it1.get(href(spare));
    expect(r.status).toBe(200);
    expect(row(r.html, 'disk')).toContain('Đặt riêng cho máy này');
    expect(row(r.html, 'disk')).toContain('cảnh báo dưới 25 %, nghiêm trọng dưới 8 %');
    expect(row(r.html, 'peripherals')).toContain(`Kế thừa từ Phường Ba Đình (${w.ward.code})`);
    expect(row(r.html, 'peripherals')).toContain('Máy quét hồ sơ');
    expect(row(r.html, 'openAfter')).toContain('Mặc định của hệ thống');
    // The city's value, once set, is inherited through the ward.
    expect((await s.admin.put('/api/v1/units/HN/policy', { recoverAfter: 4 })).status).toBe(200);
    const again = await it1.get(href(spare));
    expect(row(again.html, 'recoverAfter')).toContain('Kế thừa từ Thành phố Hà Nội (HN)');
    // The form shows the PC's own values, not the inherited ones.
    expect(again.html).toMatch(/name="warnFreePct" value="25"/);
    expect(again.html).toMatch(/name="intervalSec" value=""/);

    const en = await it1.get(`${href(spare)}?lang=en`);
    expect(row(en.html, 'disk')).toContain('Set for this PC');
    expect(row(en.html, 'peripherals')).toContain('Inherited from Phường Ba Đình');
    expect(row(en.html, 'openAfter')).toContain('Built-in default');
    expect(textOf(en.html)).toContain('Change this PC’s own thresholds');
  });

  it('is linked from the device page, which says when the PC has its own values', async () => {
    const own = await it1.get(`/fleet/devices/${spare.deviceId}`);
    expect(own.html).toContain(`href="${href(spare)}"`);
    expect(textOf(own.html)).toContain('Ngưỡng riêng của máy');
    expect(textOf(own.html)).toContain('Máy này có ngưỡng riêng: Ngưỡng ổ đĩa (% trống).');
    const plain = await head.get(`/fleet/devices/${pc.deviceId}`);
    expect(plain.html).toContain(`href="${href(pc)}"`);
    expect(plain.html).not.toContain('data-testid="own-policy"');
    const en = await it1.get(`/fleet/devices/${spare.deviceId}?lang=en`);
    expect(textOf(en.html)).toContain('This PC has its own thresholds: Disk thresholds (% free).');
  });
});

describe('saving', () => {
  it('overrides a value through the form, audits it, and the agent’s config ETag changes', async () => {
    const before = await etagOf(pc);
    await it1.get(href(pc));
    const r = await it1.post(href(pc), { intervalSec: '120', openAfter: '' });
    expect(r.status, textOf(r.html).slice(0, 300)).toBe(303);
    expect(r.location).toBe(href(pc));
    const page = await it1.get(r.location!);
    expect(textOf(page.html)).toContain('Đã lưu ngưỡng riêng của máy');
    expect(row(page.html, 'intervalSec')).toContain('Đặt riêng cho máy này');
    expect(await ownOf(pc)).toEqual({ intervalSec: 120 });
    const after = await etagOf(pc);
    expect(after.intervalSec).toBe(120);
    expect(after.etag).not.toBe(before.etag);
    const audits = await s.deps.store.read
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'device_policy.update'), eq(auditEvents.targetId, pc.deviceId)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actorId).toBe(w.it.id);
    expect(audits[0]!.data).toEqual({ before: {}, after: { intervalSec: 120 } });

    // "Remove override" on the row gives the unit's value back, and the ETag with it.
    expect(page.html).toContain('name="clear" value="intervalSec"');
    const cleared = await it1.post(href(pc), { clear: 'intervalSec' });
    expect(cleared.status).toBe(303);
    expect(await ownOf(pc)).toEqual({});
    expect((await etagOf(pc)).etag).toBe(before.etag);
    expect(row((await it1.get(href(pc))).html, 'intervalSec')).toContain('Mặc định của hệ thống');
  });

  it('refuses bad input with the error next to the field, in vi and en, and writes nothing', async () => {
    await it1.post(href(pc), { intervalSec: '90' });
    await it1.get(href(pc));
    const cases: [Record<string, string>, string, string][] = [
      [{ intervalSec: '0' }, 'intervalSec', 'Giá trị nhỏ nhất là 1.'],
      [{ intervalSec: 'mười' }, 'intervalSec', 'Hãy nhập một số'],
      [{ warnFreePct: '5', critFreePct: '20' }, 'critFreePct', 'Ngưỡng nghiêm trọng phải nhỏ hơn'],
      [{ targets: '[{"id": ' }, 'targets', 'JSON không đọc được.'],
      [{ peripherals: '[{"kind": "fax"}]' }, 'peripherals', 'Hãy chọn một giá trị trong danh sách.'],
    ];
    for (const [fields, field, message] of cases) {
      await expectNothingWritten(s.deps, async () => {
        const r = await it1.post(href(pc), fields);
        expect(r.status, JSON.stringify(fields)).toBe(422);
        const err = r.html.slice(r.html.indexOf(`id="f-${field}-error"`));
        expect(r.html, JSON.stringify(fields)).toContain(`id="f-${field}-error"`);
        expect(textOf(err.split('</span>')[0]!)).toContain(message);
        // What was typed is shown again.
        if (fields.intervalSec) expect(r.html).toContain(`value="${fields.intervalSec}"`);
      });
    }
    await expectNothingWritten(s.deps, async () => {
      const r = await it1.post(`${href(pc)}?lang=en`, { targets: '[{"id": ' });
      expect(r.status).toBe(422);
      expect(textOf(r.html)).toContain('The JSON cannot be read.');
      expect((await it1.post(href(pc), { clear: 'colour' })).status).toBe(422);
    });
    expect(await ownOf(pc)).toEqual({ intervalSec: 90 });
  });

  it('refuses a post without the CSRF token (403) and writes nothing', async () => {
    await it1.get(href(pc));
    await expectNothingWritten(s.deps, async () => {
      const r = await it1.post(href(pc), { _csrf: null, intervalSec: '300' });
      expect(r.status).toBe(403);
      const forged = await it1.post(href(pc), { _csrf: 'not-the-token', clear: 'intervalSec' });
      expect(forged.status).toBe(403);
    });
    expect(await ownOf(pc)).toEqual({ intervalSec: 90 });
  });
});

describe('scope', () => {
  it('gives the head of another commune the API’s 404, for reading and writing', async () => {
    expect((await otherHead.get(href(pc))).status).toBe(404);
    expect((await otherHead.get(`/fleet/devices/${pc.deviceId}`)).status).toBe(404);
    const api = await w.otherHead.client.get(`/api/v1/devices/${pc.deviceId}/policy`);
    expect(api.status).toBe(404);
    await otherHead.get('/fleet');
    await expectNothingWritten(s.deps, async () => {
      expect((await otherHead.post(href(pc), { intervalSec: '300' })).status).toBe(404);
    });
    expect((await it1.get('/fleet/devices/no-such-device/policy')).status).toBe(404);
  });

  it('lets the ward’s head and a viewer read, not save', async () => {
    for (const c of [head, viewer]) {
      const r = await c.get(href(pc));
      expect(r.status).toBe(200);
      expect(row(r.html, 'intervalSec')).toContain('Đặt riêng cho máy này');
      expect(textOf(r.html)).toContain('Bạn chỉ có quyền xem chính sách của máy này.');
      expect(r.html).not.toContain(`action="${href(pc)}"`);
      await expectNothingWritten(s.deps, async () => {
        expect((await c.post(href(pc), { intervalSec: '300' })).status).toBe(403);
        expect((await c.post(href(pc), { clear: 'intervalSec' })).status).toBe(403);
      });
    }
    expect(await ownOf(pc)).toEqual({ intervalSec: 90 });
  });
});

describe('escaping', () => {
  it('escapes a hostile hostname and hostile names in the PC’s own values', async () => {
    await it1.get(href(hostile));
    const targets = JSON.stringify([
      {
        id: 'cong-noi-bo',
        name: '<img src=x onerror=alert(1)>Cổng nội bộ',
        kind: 'http',
        url: 'https://dichvucong.hanoi.gov.vn/',
        warnMs: 800,
        critMs: 3000,
        timeoutMs: 5000,
      },
    ]);
    const saved = await it1.post(href(hostile), { targets });
    expect(saved.status, textOf(saved.html).slice(0, 400)).toBe(303);
    const r = await it1.get(href(hostile));
    expect(r.html).not.toContain('<script>alert("pc")');
    expect(r.html).not.toContain('<img src=x');
    expect(textOf(r.html)).toContain(HOSTILE);
    expect(row(r.html, 'targets')).toContain('<img src=x onerror=alert(1)>Cổng nội bộ');
  });
});
