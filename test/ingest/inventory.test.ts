/**
 * Inventories over the real agent API and the real database: a report may carry one (old agents
 * send none), the device keeps the newest, GET /devices/:id shows it with its change history, a
 * changed serial or a removed disk is recorded, replays and late spools change nothing, and an
 * invalid inventory is a 422 that writes nothing. Also: the fast path leaves inventories to zod.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryFromSi, type SiSnapshot } from '../../agent/inventory/parse.js';
import { reportBodies } from '../../server/db/repos/reports.js';
import { INVENTORY_CHANGES_KEPT } from '../../server/services/ingest.js';
import { fastReportBatch } from '../../server/services/ingest-validate.js';
import { type Inventory, zReportBatch } from '../../shared/schemas/agent.js';
import { ManualClock } from '../helpers/clock.js';
import { createUnit } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { enroll, report, type SimAgent, send, useClock } from './agents.js';

let s: TestServer;
const clock = new ManualClock('2026-05-04T01:00:00Z');
useClock(clock);
let ward: { code: string };

/** What a real agent sends for the Dell OptiPlex fixture. */
function optiplex(at: Date): Inventory {
  const si = JSON.parse(
    readFileSync(new URL('../agent/fixtures/windows/si-optiplex.json', import.meta.url), 'utf8'),
  ) as SiSnapshot;
  return inventoryFromSi(si, { collectedAt: at.toISOString(), agentVersion: '0.2.0', durationMs: 3900 });
}

beforeAll(async () => {
  s = await startTestServer({ clock });
  ward = await createUnit(s.admin, {
    code: '00007',
    name: 'Phường Hoàn Kiếm',
    level: 'commune',
    parentCode: 'HN',
  });
});
afterAll(async () => s?.stop());

async function count(table: string, where = sql`1`): Promise<number> {
  const r = await s.deps.store.read.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM ${sql.raw(table)} WHERE ${where}`,
  );
  return Number(r[0]!.n);
}

const device = async (a: SimAgent) => {
  const r = await s.admin.get(`/api/v1/devices/${a.deviceId}`);
  expect(r.status).toBe(200);
  return r.body;
};

async function sendOk(a: SimAgent, reports: object[]) {
  const r = await send(a, reports);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

describe('reports with and without an inventory', () => {
  it('an old agent’s reports (no inventory): the device shows none', async () => {
    const a = await enroll(s.admin, ward.code);
    await sendOk(a, [report(a)]);
    const d = await device(a);
    expect(d.inventory).toBeNull();
    expect(d.inventoryAt).toBeNull();
    expect(d.inventoryChanges).toEqual([]);
    expect(d.latest.seq).toBe(1);
  });

  it('stores the inventory with the device, not in the raw history; shows it on GET /devices/:id', async () => {
    const a = await enroll(s.admin, ward.code);
    const inv = optiplex(clock.now());
    const r = { ...report(a), inventory: inv };
    expect(fastReportBatch({ reports: [r] })).toBeNull(); // zod judges inventories
    expect(await sendOk(a, [r])).toEqual({ accepted: 1, duplicates: 0, lastSeq: 1 });
    const d = await device(a);
    expect(d.inventory).toEqual(inv);
    expect(d.inventoryAt).toBe(clock.now().toISOString());
    expect(d.inventoryChanges).toEqual([]);
    expect(d.latest).not.toHaveProperty('inventory');
    const bodies = await reportBodies(s.deps.store.read, a.deviceId, [1]);
    expect(bodies.get(1)).not.toHaveProperty('inventory');
    // The device list stays lean.
    const list = await s.admin.get(`/api/v1/devices?unit=${ward.code}`);
    expect(list.body.items.find((x: { id: string }) => x.id === a.deviceId)).not.toHaveProperty('inventory');
  });

  it('records a changed serial, a removed disk and a swapped RAM module; newest first', async () => {
    const a = await enroll(s.admin, ward.code);
    // A day apart each (the clock stays put: sessions and tokens must not expire under the test).
    const day = (n: number) => new Date(clock.now().getTime() - n * 86_400_000);
    const first = optiplex(day(2));
    await sendOk(a, [{ ...report(a, { at: day(2) }), inventory: first }]);
    const second = optiplex(day(1));
    second.system!.serial = '9ZZ9ZZ9';
    second.disks = second.disks!.slice(0, 1); // the HDD is gone
    second.memory!.modules![1] = {
      ...second.memory!.modules![1]!,
      serial: 'NEW-MODULE',
      manufacturer: 'Kingston',
    };
    await sendOk(a, [{ ...report(a, { at: day(1) }), inventory: second }]);
    const third = structuredClone(second);
    third.collectedAt = clock.now().toISOString();
    third.bios!.version = '2.10.1';
    await sendOk(a, [{ ...report(a), inventory: third }]);

    const d = await device(a);
    expect(d.inventory).toEqual(third);
    const secondAt = second.collectedAt;
    expect(d.inventoryChanges).toEqual([
      {
        at: third.collectedAt,
        previousAt: secondAt,
        component: 'bios',
        change: 'changed',
        field: 'version',
        before: '2.9.0',
        after: '2.10.1',
      },
      ...[
        { component: 'system', change: 'changed', field: 'serial', before: '5XK7QH3', after: '9ZZ9ZZ9' },
        { component: 'memoryModule', change: 'removed', before: first.memory!.modules![1] },
        { component: 'memoryModule', change: 'added', after: second.memory!.modules![1] },
        { component: 'disk', change: 'removed', before: first.disks![1] },
      ].map((c) => ({ at: secondAt, previousAt: first.collectedAt, ...c })),
    ]);
  });

  it('a replay and a late spool with an older inventory change nothing', async () => {
    const a = await enroll(s.admin, ward.code);
    const older = optiplex(new Date(clock.now().getTime() - 3_600_000));
    older.system!.serial = 'OLD-SERIAL';
    const newer = optiplex(clock.now());
    const rNew = { ...report(a, { seq: 2 }), inventory: newer };
    await sendOk(a, [rNew]);
    // The same batch again: a duplicate, nothing recorded.
    expect(await sendOk(a, [rNew])).toEqual({ accepted: 0, duplicates: 1, lastSeq: 2 });
    // A report taken earlier (a late spool, lower seq) with an older inventory: stored, not applied.
    expect(await sendOk(a, [{ ...report(a, { seq: 1 }), inventory: older }])).toEqual({
      accepted: 1,
      duplicates: 0,
      lastSeq: 2,
    });
    const d = await device(a);
    expect(d.inventory.system.serial).toBe('5XK7QH3');
    expect(d.inventoryChanges).toEqual([]);
  });

  it('takes the newest of several inventories in one batch, and never dates one ahead of the server', async () => {
    const a = await enroll(s.admin, ward.code);
    const x = optiplex(new Date(clock.now().getTime() - 60_000));
    const y = optiplex(new Date(clock.now().getTime() + 3_600_000)); // the PC's clock is an hour fast
    y.bios!.version = '9.9.9';
    await sendOk(a, [
      { ...report(a), inventory: y },
      { ...report(a), inventory: x },
    ]);
    const d = await device(a);
    expect(d.inventory.bios.version).toBe('9.9.9');
    expect(d.inventoryAt).toBe(clock.now().toISOString());
  });

  it('keeps a short history per device', async () => {
    const a = await enroll(s.admin, ward.code);
    // Each inventory swaps all 16 disks: 32 changes each.
    for (let i = 0; i < 8; i++) {
      const inv = optiplex(new Date(clock.now().getTime() - (8 - i) * 3_600_000));
      inv.disks = Array.from({ length: 16 }, (_, k) => ({
        model: 'Disk',
        serial: `D-${i}-${k}`,
        sizeBytes: 1e12,
      }));
      await sendOk(a, [{ ...report(a), inventory: inv }]);
    }
    expect(await count('device_inventory_changes', sql`device_id = ${a.deviceId}`)).toBe(
      INVENTORY_CHANGES_KEPT,
    );
    expect((await device(a)).inventoryChanges).toHaveLength(50);
  });
});

describe('invalid inventories', () => {
  it.each<[string, (i: Inventory) => void, string]>([
    [
      'too many disks',
      (i) => (i.disks = Array.from({ length: 17 }, () => ({ model: 'x' }))),
      'reports.0.inventory.disks',
    ],
    ['a serial too long', (i) => (i.system!.serial = 'x'.repeat(129)), 'reports.0.inventory.system.serial'],
    ['a negative size', (i) => (i.disks![0]!.sizeBytes = -1), 'reports.0.inventory.disks.0.sizeBytes'],
    [
      'no collectedAt',
      (i) => delete (i as Partial<Inventory>).collectedAt,
      'reports.0.inventory.collectedAt',
    ],
    ['a list that is not one', (i) => ((i as { usb: unknown }).usb = 'none'), 'reports.0.inventory.usb'],
  ])('%s → 422 naming the path, nothing written', async (_name, mutate, path) => {
    const a = await enroll(s.admin, ward.code);
    const inv = optiplex(clock.now());
    mutate(inv);
    const before = await count('reports', sql`device_id = ${a.deviceId}`);
    const r = await send(a, [{ ...report(a), inventory: inv }]);
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await count('reports', sql`device_id = ${a.deviceId}`)).toBe(before);
    expect((await device(a)).inventory).toBeNull();
  });

  it('the fast path declines every report carrying an inventory; zod decides (and strips unknown keys)', () => {
    const inv = optiplex(clock.now());
    const r = {
      seq: 1,
      collectedAt: '2026-05-04T01:00:00.000Z',
      disks: [],
      targets: [],
      peripherals: [],
      inventory: { ...inv, futureField: 1 },
    };
    expect(fastReportBatch({ reports: [r] })).toBeNull();
    const z = zReportBatch.parse({ reports: [r] });
    expect(z.reports[0]!.inventory).toEqual(inv);
    // Without the inventory the very same report takes the fast path again.
    const { inventory: _, ...plain } = r;
    expect(fastReportBatch({ reports: [plain] })).toEqual(zReportBatch.parse({ reports: [plain] }));
  });
});
