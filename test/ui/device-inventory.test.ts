/**
 * The device page's hardware section over HTTP, with inventories sent over the real agent API:
 * Vietnamese labels and number formats, the change history, an empty state for PCs that sent
 * none, English as a switch — and hostile strings from a PC (a model named `<script>`) as text.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryFromSi, type SiSnapshot } from '../../agent/inventory/parse.js';
import type { Inventory } from '../../shared/schemas/agent.js';
import { ManualClock } from '../helpers/clock.js';
import { createUnit } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { enroll, report, type SimAgent, send, useClock } from '../ingest/agents.js';
import { textOf, UiClient } from './helpers/ui-client.js';

let s: TestServer;
let admin: UiClient;
let pc: SimAgent;
let bare: SimAgent;
const clock = new ManualClock('2026-05-04T01:00:00Z');
useClock(clock);

function optiplex(at: Date): Inventory {
  const si = JSON.parse(
    readFileSync(new URL('../agent/fixtures/windows/si-optiplex.json', import.meta.url), 'utf8'),
  ) as SiSnapshot;
  return inventoryFromSi(si, { collectedAt: at.toISOString(), agentVersion: '0.2.0', durationMs: 3900 });
}

const HOSTILE = '<script>alert("inv")</script>';

beforeAll(async () => {
  s = await startTestServer({ clock });
  const ward = await createUnit(s.admin, {
    code: '00008',
    name: 'Phường Cửa Nam',
    level: 'commune',
    parentCode: 'HN',
  });
  pc = await enroll(s.admin, ward.code, { hostname: 'MOTCUA-CN-01' });
  bare = await enroll(s.admin, ward.code, { hostname: 'MOTCUA-CN-02' });
  const yesterday = new Date(clock.now().getTime() - 86_400_000);
  const first = optiplex(yesterday);
  const today = optiplex(clock.now());
  today.system!.serial = '9ZZ9ZZ9';
  today.disks = today.disks!.slice(0, 1);
  today.baseboard!.model = HOSTILE;
  today.usb![0]!.name = `<img src=x onerror=alert(1)>`;
  for (const [inv, at] of [
    [first, yesterday],
    [today, clock.now()],
  ] as const) {
    const r = await send(pc, [{ ...report(pc, { at }), inventory: inv }]);
    if (r.status !== 200) throw new Error(`report: ${r.status} ${r.text}`);
  }
  await send(bare, [report(bare)]);
  admin = new UiClient(s.url);
  await admin.signIn('admin', ADMIN_PASSWORD);
});
afterAll(async () => s?.stop());

const section = (html: string) => {
  const start = html.indexOf('data-testid="inventory"');
  return html.slice(start, html.indexOf('</section>', start));
};

describe('device page: Cấu hình phần cứng', () => {
  it('shows the inventory with Vietnamese labels and number formats', async () => {
    const r = await admin.get(`/fleet/devices/${pc.deviceId}`);
    expect(r.status).toBe(200);
    const text = textOf(section(r.html));
    expect(text).toContain('Cấu hình phần cứng');
    expect(text).toContain('Kiểm kê lúc 04/05/2026 08:00 (tác tử 0.2.0)');
    expect(text).toMatch(/Máy Dell Inc\. OptiPlex 3080 \(Desktop\)/);
    expect(text).toMatch(/Số sê-ri 9ZZ9ZZ9/);
    expect(text).toMatch(/BIOS\/UEFI Dell Inc\. 2\.9\.0 ngày 13\/06\/2023 · chuẩn UEFI/);
    expect(text).toMatch(/CPU Intel Core™ i5-10500 · 6 nhân \/ 12 luồng · 3,1 GHz/);
    // RAM the OS sees, slots used, the board's maximum — GB with a decimal comma.
    expect(text).toMatch(/RAM 15,9 GB · 2\/2 khe đã dùng · tối đa 64 GB/);
    expect(text).toMatch(/Hệ điều hành Microsoft Windows 10 Pro 22H2 10\.0\.19045 \(19045\) x64/);
    // Disk sizes in decimal GB as on the label; MAC and IPv4 of the adapter.
    expect(text).toMatch(/KBG40ZNS256G NVMe KIOXIA 256GB SSD NVMe 256 GB/);
    expect(text).toContain('a4:bb:6d:12:34:56');
    expect(text).toContain('1.000 Mb/s');
    expect(text).toContain('10.20.30.41');
    expect(text).toContain('Canon LBP2900');
    expect(text).toContain('0951:1666');
    expect(text).toMatch(/Dell DELL P2219H \(màn hình chính\) CN0ABCDE123 1920 × 1080 HDMI 2021/);
  });

  it('lists the hardware changes, newest inventory first', async () => {
    const r = await admin.get(`/fleet/devices/${pc.deviceId}`);
    const html = section(r.html);
    const changes = textOf(html.slice(html.indexOf('id="inventory-changes"')));
    expect(changes).toContain('Thay đổi');
    expect(changes).toMatch(/04\/05\/2026 08:00 Máy Số sê-ri: 5XK7QH3 → 9ZZ9ZZ9/);
    expect(changes).toMatch(/Ổ cứng Gỡ bỏ: ST1000DM010-2EP102 1\.000 GB HDD #ZN1AB2CD/);
    expect(changes).toMatch(/Bo mạch chủ Mã model: 0J37DM → <script>alert\("inv"\)<\/script>/);
  });

  it('renders hostile strings from the PC as text', async () => {
    const r = await admin.get(`/fleet/devices/${pc.deviceId}`);
    expect(r.html).not.toContain(HOSTILE);
    expect(r.html).not.toContain('<img src=x');
    expect(r.html).toContain('&lt;script&gt;alert(&quot;inv&quot;)&lt;/script&gt;');
    expect(textOf(section(r.html))).toContain(HOSTILE);
  });

  it('says what to do when a PC has sent no inventory', async () => {
    const r = await admin.get(`/fleet/devices/${bare.deviceId}`);
    const text = textOf(section(r.html));
    expect(text).toContain('Chưa có dữ liệu kiểm kê của máy này');
    expect(text).toContain('onestop-agent inventory');
    // Nothing to compare yet: no empty "changes" subsection under the hint.
    expect(text).not.toContain('Thay đổi phần cứng');
  });

  it('speaks English when asked', async () => {
    const r = await admin.get(`/fleet/devices/${pc.deviceId}?lang=en`);
    const text = textOf(section(r.html));
    expect(text).toContain('Hardware configuration');
    expect(text).toMatch(/RAM 15\.9 GB · 2 of 2 slots used · up to 64 GB/);
    expect(text).toMatch(/Serial number: 5XK7QH3 → 9ZZ9ZZ9/);
    expect(text).toContain('Removed: ST1000DM010-2EP102 1,000 GB HDD #ZN1AB2CD');
  });
});
