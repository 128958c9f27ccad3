/**
 * A simulated fleet over HTTP, the way real agents talk to the server: enrol with an enrollment token
 * (`POST /api/v1/agent/enroll`) and post reports (`POST /api/v1/agent/reports`). No agent process is
 * needed for the UI journeys; the server's detection turns the readings into faults and tickets.
 */

import { runSilenceCheck } from '../../../server/services/detection-silence.js';
import { runRollups } from '../../../server/services/rollups.js';
import type { ManualClock } from '../../helpers/clock.js';
import type { ApiClient } from '../../helpers/http.js';
import type { TestServer } from '../../helpers/server.js';
import type { World } from './seed.js';

export interface SimPc {
  deviceId: string;
  hostname: string;
  client: ApiClient;
  seq: number;
}

export interface Reading {
  at: Date;
  freePct?: number;
  /** Target ids that cannot be reached. */
  failing?: string[];
  latencyMs?: number;
  peripherals?: { kind: string; name: string; vendorId?: string; productId?: string; connected: boolean }[];
}

const TARGETS = ['dvc-quoc-gia', 'dvc-ha-noi', 'motcua-ha-noi'];
/** What a well-equipped counter has plugged in. */
export const FULL_DESK = [
  { kind: 'scanner', name: 'Fujitsu fi-7160', vendorId: '04c5', productId: '132e', connected: true },
  { kind: 'printer', name: 'Canon LBP2900', vendorId: '04a9', productId: '2676', connected: true },
  { kind: 'card_reader', name: 'Đầu đọc CCCD gắn chip', connected: true },
];

export async function enrollPc(admin: ApiClient, unitCode: string, hostname: string): Promise<SimPc> {
  const tok = await admin.post(`/api/v1/units/${unitCode}/enrollment-tokens`, { maxUses: 1 });
  if (tok.status !== 201) throw new Error(`token: ${tok.status} ${tok.text}`);
  const anon = admin.withToken(undefined);
  const r = await anon.post('/api/v1/agent/enroll', {
    enrollmentToken: tok.body.token,
    hostname,
    hardwareId: `HW-${unitCode}-${hostname}`.slice(0, 200),
    os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
    agentVersion: '0.1.0',
  });
  if (r.status !== 201) throw new Error(`enroll: ${r.status} ${r.text}`);
  return { deviceId: r.body.deviceId, hostname, client: anon.withToken(r.body.agentToken), seq: 0 };
}

export function reportOf(pc: SimPc, r: Reading) {
  const size = 256 * 1024 ** 3;
  const free = r.freePct ?? 55;
  return {
    seq: ++pc.seq,
    collectedAt: r.at.toISOString(),
    disks: [
      {
        mount: 'C:',
        fs: 'NTFS',
        sizeBytes: size,
        usedBytes: Math.round(size * (1 - free / 100)),
        smart: 'ok',
      },
    ],
    targets: TARGETS.map((id) =>
      r.failing?.includes(id)
        ? { id, ok: false, latencyMs: null, error: 'ETIMEDOUT' }
        : { id, ok: true, latencyMs: r.latencyMs ?? 35 + (pc.seq % 7) * 9 },
    ),
    peripherals: r.peripherals ?? FULL_DESK,
    system: { cpuLoadPct: 8 + (pc.seq % 5) * 6, memUsedPct: 41 + (pc.seq % 4) * 5, uptimeSec: 3600 * 6 },
    agent: { version: '0.1.0', spooled: 0 },
  };
}

export async function sendReadings(pc: SimPc, readings: Reading[]): Promise<void> {
  // A live agent sends one report per interval; batches of a spool are up to 500.
  for (let i = 0; i < readings.length; i += 100) {
    const r = await pc.client.post('/api/v1/agent/reports', {
      reports: readings.slice(i, i + 100).map((x) => reportOf(pc, x)),
    });
    if (r.status !== 200) throw new Error(`reports: ${r.status} ${r.text}`);
  }
}

/** `n` readings ending at `end`, `stepMin` minutes apart, oldest first. */
export function series(
  end: Date,
  n: number,
  stepMin: number,
  f: (i: number) => Omit<Reading, 'at'> = () => ({}),
) {
  return Array.from({ length: n }, (_, i) => ({
    at: new Date(end.getTime() - (n - 1 - i) * stepMin * 60_000),
    ...f(i),
  }));
}

export interface Fleet {
  healthy: SimPc;
  diskLow: SimPc;
  noScanner: SimPc;
  silent: SimPc;
  inMaintenance: SimPc;
  hostile: SimPc;
  hostileName: string;
}

/**
 * Counter PCs across the wards: at Ba Đình one healthy, one whose disk fills up over a day (a disk
 * ticket with a history to chart), one without its scanner (a peripheral ticket), one that falls
 * silent, and one whose host name is markup; at Ngọc Hà one inside a maintenance window; and two or
 * three healthy PCs in twenty other communes. Moves the clock forward and runs the rollup and
 * silence jobs, as the scheduler would.
 */
export async function seedFleet(s: TestServer, w: World, clock: ManualClock): Promise<Fleet> {
  const admin = s.admin;
  const ward = w.ward.code;
  const pol = await admin.put(`/api/v1/units/${ward}/policy`, {
    peripherals: {
      expected: [
        { kind: 'scanner', label: 'Máy quét hồ sơ', match: { nameIncludes: 'fi-' } },
        { kind: 'printer', label: 'Máy in phiếu hẹn', match: { nameIncludes: 'Canon' } },
      ],
    },
  });
  if (pol.status !== 200) throw new Error(`policy: ${pol.status} ${pol.text}`);
  const hostileName = '<script>alert("pc")</script>MOTCUA-BD-05';
  const healthy = await enrollPc(admin, ward, 'MOTCUA-BD-01');
  const diskLow = await enrollPc(admin, ward, 'MOTCUA-BD-02');
  const noScanner = await enrollPc(admin, ward, 'MOTCUA-BD-03');
  const silent = await enrollPc(admin, ward, 'MOTCUA-BD-04');
  const hostile = await enrollPc(admin, ward, hostileName);
  const inMaintenance = await enrollPc(admin, w.otherWard.code, 'MOTCUA-NH-02');
  const nh1 = await enrollPc(admin, w.otherWard.code, 'MOTCUA-NH-01');
  const now = clock.now();
  // A day of readings, every 20 minutes: the disk of BD-02 fills from 31 % free to 3 %.
  await sendReadings(healthy, series(now, 72, 20));
  await sendReadings(
    diskLow,
    series(now, 72, 20, (i) => ({ freePct: Math.max(3, 31 - i * 0.4) })),
  );
  await sendReadings(
    noScanner,
    series(now, 6, 20, () => ({ peripherals: FULL_DESK.filter((p) => p.kind !== 'scanner') })),
  );
  await sendReadings(silent, series(now, 3, 20));
  await sendReadings(hostile, series(now, 3, 20));
  await sendReadings(nh1, series(now, 3, 20));
  await sendReadings(inMaintenance, series(now, 3, 20));
  const others: SimPc[] = [];
  for (const u of w.units.slice(2, 22)) {
    const n = 2 + (u.code.charCodeAt(u.code.length - 1) % 2);
    for (let i = 1; i <= n; i++) {
      const pc = await enrollPc(admin, u.code, `MOTCUA-${u.code}-0${i}`);
      await sendReadings(pc, series(now, 2, 30));
      others.push(pc);
    }
  }
  const win = await admin.post('/api/v1/maintenance-windows', {
    deviceId: inMaintenance.deviceId,
    startsAt: now.toISOString(),
    endsAt: new Date(now.getTime() + 4 * 3_600_000).toISOString(),
    reason: 'Cài lại hệ điều hành và phần mềm một cửa',
  });
  if (win.status !== 201) throw new Error(`window: ${win.status} ${win.text}`);

  // The scheduler runs every few minutes; everyone but BD-04 keeps reporting, so BD-04 falls silent.
  // It runs at least every 2 minutes here: a longer gap reads as a server outage, which grants grace.
  await runSilenceCheck(s.deps, now);
  for (const step of [4, 8]) {
    await runSilenceCheck(s.deps, clock.advanceMinutes(2));
    const later = clock.advanceMinutes(2);
    for (const pc of [healthy, hostile, nh1, inMaintenance, ...others])
      await sendReadings(pc, [{ at: later }]);
    await sendReadings(diskLow, [{ at: later, freePct: 3 }]);
    await sendReadings(noScanner, [
      { at: later, peripherals: FULL_DESK.filter((p) => p.kind !== 'scanner') },
    ]);
    await runSilenceCheck(s.deps, later);
    if (step === 8) await runRollups(s.deps, later);
  }
  return { healthy, diskLow, noScanner, silent, inMaintenance, hostile, hostileName };
}
