/**
 * `npm run demo`, compressed: the real server, a Hanoi tree, users, a simulated fleet, the equipment
 * register with its shortfalls and the scripted faults — the narrator must see compliance tickets
 * and fault tickets open, group and recover.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningDemo, runDemo } from '../../agent/simulate/demo.js';
import { districtCode, loadHanoiUnits, parseCsv, pickUnits } from '../../agent/simulate/hanoi-units.js';
import { until } from './helpers/agent-process.js';

describe('Hanoi reference data', () => {
  it('reads all 126 units with their real codes, names and former districts', () => {
    const all = loadHanoiUnits();
    expect(all).toHaveLength(126);
    expect(all.filter((u) => u.type === 'phuong')).toHaveLength(51);
    expect(all.find((u) => u.code === '00004')).toEqual({
      code: '00004',
      name: 'Phường Ba Đình',
      type: 'phuong',
      formerDistrict: 'Quận Ba Đình',
    });
    expect(pickUnits(all, 3).map((u) => u.name)).toEqual([
      'Phường Ba Đình',
      'Phường Hoàn Kiếm',
      'Phường Tây Hồ',
    ]);
    expect(districtCode('Quận Đống Đa')).toBe('Q-DONG-DA');
    expect(districtCode('Thị xã Sơn Tây')).toBe('TX-SON-TAY');
    expect(parseCsv('a,"b, ""c""",d\r\n1,2,3\n')).toEqual([
      ['a', 'b, "c"', 'd'],
      ['1', '2', '3'],
    ]);
  });
});

describe('npm run demo (compressed)', () => {
  let demo: RunningDemo | undefined;
  const lines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'demo-'));
  afterAll(async () => {
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("narrates the register's shortfalls and tickets opening, grouping and recovering", async () => {
    demo = await runDemo({
      port: 0,
      levels: 2,
      units: 6,
      pcs: 2,
      intervalSec: 2,
      timeScale: 0.1,
      lang: 'en',
      dataDir: dir,
      print: (l) => lines.push(l),
    });
    const text = () => lines.join('\n');
    expect(text()).toContain(`Open ${demo.url} in a browser`);
    expect(demo.accounts.map((a) => a.role).sort()).toEqual(
      expect.arrayContaining(['admin', 'it_staff', 'unit_head', 'viewer']),
    );
    const admin = demo.accounts.find((a) => a.username === 'admin')!;
    const login = await fetch(`${demo.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: admin.username, password: admin.password }),
    });
    const auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
    const get = async (path: string): Promise<any> =>
      (await fetch(`${demo!.url}${path}`, { headers: auth })).json();

    // The equipment register: shortfalls where the demo put them, and compliance tickets for them.
    const [u0, u1, u2, u3, u4, u5] = pickUnits(loadHanoiUnits(), 6).map((u) => u.code);
    expect(text()).toMatch(/Equipment register: 2 suppliers; 12 PCs registered by their agents/);
    expect(text()).toMatch(
      /Compliance with the standard: 1\/6 units meet all of it; .*3\/6 short of scanners/,
    );
    expect(text()).toMatch(/Compliance tickets: 6 opened \(#\d+–#\d+\), e\.g\. ticket #\d+ ".*máy quét/);
    const c = await get('/api/v1/compliance?unit=01');
    expect(c).toMatchObject({ standardVersion: 2, units: 6, fullyCompliantUnits: 1 });
    const failing = Object.fromEntries(
      c.requirements.map((r: any) => [r.id, r.failing.map((f: any) => [f.unitCode, f.have, f.need])]),
    );
    expect(failing).toEqual({
      area_min: [[u1, 36, 40]],
      pc_per_officer: [],
      scanner_per_digitizing_officer: [
        [u2, 1, 2],
        [u4, 1, 2],
        [u5, 1, 2],
      ],
      photocopier: [],
      queue_machine: [[u3, 0, 1]],
      rating_device: [[u4, 0, 1]],
    });
    expect(c.broken).toEqual([expect.objectContaining({ kind: 'queue_machine', count: 1 })]);
    const equipment = (await get('/api/v1/tickets?category=equipment&limit=100')).items;
    expect(equipment.every((t: any) => t.source === 'compliance' && t.status === 'open')).toBe(true);
    expect(equipment.map((t: any) => t.unitCode).sort()).toEqual([u1, u2, u3, u4, u4, u5].sort());
    expect(equipment.map((t: any) => t.unitCode)).not.toContain(u0);
    await until(
      () => /TICKET #\d+ opened: .*chưa đạt tiêu chuẩn/.test(text()),
      'a compliance ticket',
      10_000,
      200,
    );

    await until(() => /TICKET #\d+ opened: .*Máy quét hồ sơ/.test(text()), 'the scanner ticket', 40_000, 200);
    await until(() => /TICKET #\d+ opened: .*, upstream\//.test(text()), 'the upstream ticket', 40_000, 200);
    await until(() => /→ resolved/.test(text()), 'a recovery', 60_000, 200);

    // The RAM module taken out shows in that PC's inventory history, as an IT officer would see it.
    await until(() => /RAM module is taken out/.test(text()), 'the RAM step', 60_000, 200);
    const pc = demo.fleet.agents.find((a) => a.pc.removedRamSlots.size > 0)!;
    let device: any;
    await until(
      async () => {
        device = await (await fetch(`${demo!.url}/api/v1/devices/${pc.deviceId}`, { headers: auth })).json();
        return device.inventoryChanges?.length > 0;
      },
      'the inventory change',
      30_000,
      200,
    );
    expect(device.inventory.memory.modules).toHaveLength(1);
    expect(device.inventoryChanges).toEqual([
      expect.objectContaining({ component: 'memory', change: 'changed', field: 'totalBytes' }),
      expect.objectContaining({ component: 'memoryModule', change: 'removed' }),
    ]);
  }, 120_000);
});
