/**
 * The hand-written fast path agrees with zod: on every valid batch it returns zod's exact output
 * (unknown keys stripped), and on every invalid one it declines (returns null) so zod answers the 422.
 */
import { describe, expect, it } from 'vitest';
import { fastReportBatch } from '../../server/services/ingest-validate.js';
import { zReportBatch } from '../../shared/schemas/agent.js';

const base = {
  seq: 7,
  collectedAt: '2026-03-02T02:00:00.123Z',
  disks: [
    { mount: 'C:', fs: 'NTFS', sizeBytes: 1000, usedBytes: 900, smart: 'ok' },
    { mount: '/', sizeBytes: 0, usedBytes: 0 },
  ],
  targets: [
    { id: 'dvc-quoc-gia', ok: true, latencyMs: 12.5 },
    { id: 'dvc-ha-noi', ok: false, latencyMs: null, error: 'ETIMEDOUT' },
    { id: 'x', ok: false },
  ],
  peripherals: [
    {
      kind: 'scanner',
      name: 'Canon DR-C225',
      vendorId: '04a9',
      productId: '1905',
      serial: 'S1',
      connected: true,
    },
    { kind: 'other', name: '', connected: false },
  ],
  system: { cpuLoadPct: 0, memUsedPct: 100, uptimeSec: 1.5 },
  agent: { version: '0.1.0', spooled: 0, dropped: 2 },
  errors: [{ collector: 'usb', message: 'timeout', timedOut: true }],
};

type Mut = [string, (r: any) => void];
const mutations: Mut[] = [
  [
    'unknown keys everywhere',
    (r) => {
      r.extra = 1;
      r.disks[0].x = 1;
      r.targets[0].y = 2;
      r.peripherals[0].z = 3;
      r.system.w = 4;
      r.agent.v = 5;
      r.errors[0].u = 6;
    },
  ],
  [
    'minimal',
    (r) => {
      delete r.system;
      delete r.agent;
      delete r.errors;
      r.disks = [];
      r.targets = [];
      r.peripherals = [];
    },
  ],
  ['offset time', (r) => (r.collectedAt = '2026-03-02T09:00:00+07:00')],
  ['no fraction', (r) => (r.collectedAt = '2026-03-02T02:00:00Z')],
  ['seq 0', (r) => (r.seq = 0)],
  ['seq float', (r) => (r.seq = 1.5)],
  ['seq string', (r) => (r.seq = '1')],
  ['seq unsafe', (r) => (r.seq = 2 ** 60)],
  ['date only', (r) => (r.collectedAt = '2026-03-02')],
  ['no offset', (r) => (r.collectedAt = '2026-03-02T02:00:00')],
  ['garbage date', (r) => (r.collectedAt = 'yesterday')],
  ['negative size', (r) => (r.disks[0].sizeBytes = -1)],
  ['used > size', (r) => (r.disks[0].usedBytes = 1001)],
  ['fractional bytes', (r) => (r.disks[0].usedBytes = 1.5)],
  ['empty mount', (r) => (r.disks[0].mount = '')],
  ['long mount', (r) => (r.disks[0].mount = 'x'.repeat(261))],
  ['bad smart', (r) => (r.disks[0].smart = 'bad')],
  ['null smart', (r) => (r.disks[0].smart = null)],
  [
    '65 disks',
    (r) => (r.disks = Array.from({ length: 65 }, () => ({ mount: 'C:', sizeBytes: 1, usedBytes: 0 }))),
  ],
  ['target ok missing', (r) => delete r.targets[0].ok],
  ['latency negative', (r) => (r.targets[0].latencyMs = -1)],
  ['latency huge', (r) => (r.targets[0].latencyMs = 600_001)],
  ['latency string', (r) => (r.targets[0].latencyMs = '5')],
  ['long error', (r) => (r.targets[1].error = 'e'.repeat(501))],
  ['empty target id', (r) => (r.targets[0].id = '')],
  ['bad kind', (r) => (r.peripherals[0].kind = 'toaster')],
  ['connected missing', (r) => delete r.peripherals[0].connected],
  ['long vendor', (r) => (r.peripherals[0].vendorId = 'x'.repeat(17))],
  [
    '257 peripherals',
    (r) =>
      (r.peripherals = Array.from({ length: 257 }, () => ({ kind: 'other', name: 'x', connected: true }))),
  ],
  ['cpu 101', (r) => (r.system.cpuLoadPct = 101)],
  ['system array', (r) => (r.system = [])],
  ['agent without version', (r) => delete r.agent.version],
  ['agent spooled negative', (r) => (r.agent.spooled = -1)],
  ['errors not array', (r) => (r.errors = {})],
  ['error timedOut string', (r) => (r.errors[0].timedOut = 'yes')],
  ['disks null', (r) => (r.disks = null)],
  ['report is array', (r) => Object.setPrototypeOf(r, Array.prototype)],
];

describe('fast path ≡ zod', () => {
  it.each(mutations)('%s', (_name, mutate) => {
    const r = structuredClone(base);
    mutate(r);
    const batch = { reports: [r] };
    const z = zReportBatch.safeParse(batch);
    const f = fastReportBatch(batch);
    if (z.success) {
      // Valid: the fast path answers exactly like zod, or (only when unknown keys need stripping)
      // leaves it to zod.
      if (_name.startsWith('unknown keys')) expect(f).toBeNull();
      else expect(f).toEqual(z.data);
    } else expect(f).toBeNull();
  });

  it('an unknown top-level key also goes to zod (which strips it)', () => {
    expect(fastReportBatch({ reports: [base], other: true })).toBeNull();
    expect(fastReportBatch({ reports: [base] })).toEqual(
      zReportBatch.parse({ reports: [base], other: true }),
    );
  });

  it('batch bounds', () => {
    expect(fastReportBatch({ reports: [] })).toBeNull();
    expect(fastReportBatch({ reports: Array.from({ length: 501 }, () => base) })).toBeNull();
    expect(fastReportBatch({ reports: Array.from({ length: 500 }, () => base) })).toEqual(
      zReportBatch.parse({ reports: Array.from({ length: 500 }, () => base) }),
    );
    expect(fastReportBatch(null)).toBeNull();
    expect(fastReportBatch([base])).toBeNull();
  });
});

describe('timestamp check', () => {
  it.each([
    '2026-03-02T02:00:00Z',
    '2026-03-02T02:00:00.5Z',
    '2026-03-02T09:00:00+07:00',
    '2026-03-02T02:00Z',
    '2026-13-02T02:00:00Z',
    '2026-02-30T02:00:00Z',
    '2026-03-02T24:00:00Z',
    '2026-03-02 02:00:00Z',
    '2026-03-02T02:00:00+0700',
    '',
  ])('%s: fast path and zod agree', (collectedAt) => {
    const r = { seq: 1, collectedAt, disks: [], targets: [], peripherals: [] };
    expect(fastReportBatch({ reports: [r] }) !== null).toBe(zReportBatch.safeParse({ reports: [r] }).success);
  });
});
