/**
 * Test helpers for the agent half: enroll simulated counter PCs and build reports that are healthy
 * unless told otherwise. Reports use Hanoi's real targets from the default policy.
 */
import type { ApiClient } from '../helpers/http.js';

export interface SimAgent {
  deviceId: string;
  token: string;
  client: ApiClient;
  seq: number;
  hardwareId: string;
}

let hw = 0;
let now: () => Date = () => new Date();

/** Reports are dated by this clock (the test server's ManualClock), unless `at` is given. */
export function useClock(c: { now(): Date }): void {
  now = () => c.now();
}

export async function enrollmentToken(
  admin: ApiClient,
  unitCode: string,
  body: object = {},
): Promise<string> {
  const r = await admin.post(`/api/v1/units/${unitCode}/enrollment-tokens`, body);
  if (r.status !== 201) throw new Error(`token: ${r.status} ${r.text}`);
  return r.body.token;
}

export async function enroll(
  admin: ApiClient,
  unitCode: string,
  opts: { token?: string; hardwareId?: string; hostname?: string } = {},
): Promise<SimAgent> {
  const token = opts.token ?? (await enrollmentToken(admin, unitCode));
  const hardwareId = opts.hardwareId ?? `HW-${process.pid}-${hw++}`;
  const anon = admin.withToken(undefined);
  const r = await anon.post('/api/v1/agent/enroll', {
    enrollmentToken: token,
    hostname: opts.hostname ?? `MOTCUA-${hardwareId}`,
    hardwareId,
    os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
    agentVersion: '0.1.0',
  });
  if (r.status !== 201) throw new Error(`enroll: ${r.status} ${r.text}`);
  return {
    deviceId: r.body.deviceId,
    token: r.body.agentToken,
    client: anon.withToken(r.body.agentToken),
    seq: 0,
    hardwareId,
  };
}

export interface ReportOpts {
  at?: Date;
  freePct?: number;
  smart?: 'ok' | 'failing' | 'unknown';
  /** Target ids that fail (others succeed). */
  failing?: string[];
  latencyMs?: number;
  /** Target ids answering slowly (9 s) while the others answer in `latencyMs`. */
  slow?: string[];
  peripherals?: { kind: string; name: string; vendorId?: string; productId?: string; connected: boolean }[];
  seq?: number;
}

export const TARGET_IDS = ['dvc-quoc-gia', 'dvc-ha-noi', 'motcua-ha-noi'];

export function report(a: SimAgent, o: ReportOpts = {}) {
  const seq = o.seq ?? ++a.seq;
  if (o.seq === undefined) a.seq = seq;
  const size = 256 * 1024 ** 3;
  const free = o.freePct ?? 50;
  return {
    seq,
    collectedAt: (o.at ?? now()).toISOString(),
    disks: [
      {
        mount: 'C:',
        fs: 'NTFS',
        sizeBytes: size,
        usedBytes: Math.round(size * (1 - free / 100)),
        smart: o.smart ?? 'ok',
      },
    ],
    targets: TARGET_IDS.map((id) =>
      o.failing?.includes(id)
        ? { id, ok: false, latencyMs: null, error: 'ETIMEDOUT' }
        : { id, ok: true, latencyMs: o.slow?.includes(id) ? 9000 : (o.latencyMs ?? 40) },
    ),
    peripherals: o.peripherals ?? [{ kind: 'printer', name: 'Canon LBP2900', connected: true }],
    system: { cpuLoadPct: 12, memUsedPct: 48, uptimeSec: 3600 },
    agent: { version: '0.1.0', spooled: 0 },
  };
}

export async function send(a: SimAgent, reports: object[]) {
  return a.client.post('/api/v1/agent/reports', { reports });
}

/** Sends `n` reports one batch each (the way a live agent does). */
export async function sendEach(a: SimAgent, n: number, o: ReportOpts = {}) {
  for (let i = 0; i < n; i++) {
    const r = await send(a, [report(a, o)]);
    if (r.status !== 200) throw new Error(`report: ${r.status} ${r.text}`);
  }
}
