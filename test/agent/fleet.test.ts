/** The fleet simulator: the real runner with fake collectors, faults visible in what the server receives. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../agent/simulate/fleet.js';
import { zReport } from '../../shared/schemas/agent.js';
import { until } from './helpers/agent-process.js';
import { StubServer } from './helpers/stub-server.js';

let stub: StubServer;
let fleet: Fleet;

beforeAll(async () => {
  stub = await new StubServer().start();
  stub.config = {
    ...stub.config,
    targets: [
      {
        id: 'motcua',
        name: 'Một cửa',
        kind: 'tcp',
        host: '10.0.0.1',
        port: 443,
        warnMs: 300,
        critMs: 1000,
        timeoutMs: 3000,
      },
      {
        id: 'dvc',
        name: 'Dịch vụ công',
        kind: 'http',
        url: 'https://dichvucong.example.vn/',
        warnMs: 300,
        critMs: 1000,
        timeoutMs: 3000,
      },
    ],
    peripherals: {
      expected: [
        { kind: 'scanner', label: 'Máy quét hồ sơ', match: { nameIncludes: 'Scan', vendorId: '04a9' } },
        { kind: 'printer', label: 'Máy in một cửa', match: { nameIncludes: 'LaserJet' } },
      ],
    },
  };
  fleet = await startFleet({
    server: stub.url,
    intervalMs: 60,
    minDeliveryMs: 0,
    agents: ['A', 'B', 'C', 'D'].map((x) => ({
      enrollmentToken: 'oet_good',
      hostname: `PC-${x}`,
      unitCode: x === 'D' ? 'U2' : 'U1',
    })),
  });
});

afterAll(async () => {
  await fleet?.stop();
  await stub?.stop();
});

const reportsOf = (i: number) => stub.byToken.get(`Bearer oda_stub.${fleet.agents[i]!.hardwareId}`) ?? [];
const last = (i: number) => reportsOf(i).at(-1);

describe('simulated fleet', () => {
  it('reports healthy machines with the contract shape, each with its own identity and seqs', async () => {
    await until(() => fleet.agents.every((_, i) => reportsOf(i).length >= 3), 'three reports from every PC');
    for (let i = 0; i < 4; i++) {
      const r = zReport.parse(last(i));
      expect(r.targets.every((t) => t.ok)).toBe(true);
      expect(
        r.peripherals.filter((p) => p.kind === 'scanner' || p.kind === 'printer').every((p) => p.connected),
      ).toBe(true);
      const seqs = reportsOf(i).map((x: any) => x.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    expect(new Set(fleet.agents.map((a) => a.deviceId)).size).toBe(4);
  });

  it('injects faults: disk filling, target down, scanner unplugged, agent silent — and recovery', async () => {
    const [a, b, c, d] = fleet.agents;
    a!.pc.fillDisk(5, 97);
    b!.pc.targetsDown.add('dvc');
    c!.pc.unplugged.add('máy quét');
    await d!.silence();
    const silentAt = reportsOf(3).length;
    await until(() => {
      const ra = last(0);
      const c0 = ra.disks.find((x: any) => x.mount === 'C:');
      return c0.usedBytes / c0.sizeBytes > 0.95;
    }, 'the disk to fill');
    await until(() => last(1).targets.find((t: any) => t.id === 'dvc').ok === false, 'the target down');
    expect(last(1).targets.find((t: any) => t.id === 'dvc')).toEqual({
      id: 'dvc',
      ok: false,
      latencyMs: null,
      error: 'TIMEOUT: timeout',
    });
    await until(
      () => last(2).peripherals.some((p: any) => p.name === 'Máy quét hồ sơ' && !p.connected),
      'the scanner missing',
    );
    expect(reportsOf(3).length).toBe(silentAt);

    b!.pc.targetsDown.clear();
    c!.pc.unplugged.clear();
    d!.wake();
    await until(() => last(1).targets.every((t: any) => t.ok), 'the target back');
    await until(
      () => last(2).peripherals.some((p: any) => p.kind === 'scanner' && p.connected),
      'the scanner back',
    );
    await until(() => reportsOf(3).length > silentAt + 2, 'the silent PC back');
    const seqs = reportsOf(3).map((x: any) => x.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('sends each PC’s inventory once after start, and again when a RAM module is taken out', async () => {
    await until(() => fleet.agents.every((_, i) => reportsOf(i).length >= 2), 'two reports from every PC');
    const carrying = (i: number) => reportsOf(i).filter((r: any) => r.inventory);
    for (let i = 0; i < 4; i++) {
      expect(carrying(i)).toHaveLength(1);
      const inv = zReport.parse(carrying(i)[0]).inventory!;
      expect(inv.os?.hostname).toBe(fleet.agents[i]!.pc.hostname);
      expect(inv.memory?.modules).toHaveLength(2);
    }
    const serials = fleet.agents.map((_, i) => carrying(i)[0].inventory.system.serial);
    expect(new Set(serials).size).toBe(4);

    fleet.agents[0]!.pc.removeRamModule('DIMM2');
    await until(() => carrying(0).length === 2, 'a second inventory from the PC');
    const [before, after] = carrying(0).map((r: any) => zReport.parse(r).inventory!);
    expect(after!.memory!.modules!.map((m) => m.slot)).toEqual(['DIMM1']);
    expect(after!.memory!.totalBytes).toBe(before!.memory!.totalBytes! - 8 * 1024 ** 3);
    expect(after!.system).toEqual(before!.system);
    expect(Date.parse(after!.collectedAt)).toBeGreaterThanOrEqual(Date.parse(before!.collectedAt));
  });
});
