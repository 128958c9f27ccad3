/**
 * Compliance figures checked against a hand-computed fixture of four communes, reproduced at a past
 * date after the register changed; the standard's versions; compliance tickets (one per unit and
 * requirement, never duplicated, resolved when met, re-evaluated once on a standard change).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { startTarget, type Target, type TargetClock } from '../targets/index.js';

let s: Target;
let clock: TargetClock;
const C: Record<string, string> = {};
let head2: ApiClient;

/** Registers `n` assets of a kind with a status at a unit. */
async function add(unit: string, kind: string, n: number, status = 'in_use') {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await s.admin.post('/api/v1/assets', {
      unitCode: unit,
      kind,
      name: `${kind} ${i + 1}`,
      status,
    });
    if (r.status !== 201) throw new Error(r.text);
    ids.push(r.body.id);
  }
  return ids;
}

const liveCompliance = () =>
  s.sql<{ unit: string; fp: string }>(
    `SELECT u.code AS unit, t.fingerprint AS fp FROM tickets t JOIN units u ON u.id = t.unit_id
     WHERE t.source = 'compliance' AND t.status NOT IN ('resolved', 'closed') ORDER BY u.code, t.fingerprint`,
  );

/** The compliance job as the cron trigger runs it: at its next 10-minute slot. */
async function runComplianceJob() {
  await clock.advanceMinutes(10);
  await s.runJobs();
}

const ticketWrites = async () =>
  (
    await s.sql<{ n: number }>(
      'SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM ticket_events) AS n',
    )
  )[0]!.n;

const reqOf = (fp: string) => fp.split('|')[2];

beforeAll(async () => {
  // The test moves the clock by days; sessions must outlive it.
  s = await startTarget({ env: { SESSION_TTL_HOURS: '720' } });
  clock = s.clock;
  // Codes sort in this order: C1 < C2 < C3 < C4.
  const mk = async (k: string, body: Record<string, unknown>) =>
    (C[k] = (await createUnit(s.admin, { code: `T${k}`, level: 'commune', parentCode: 'HN', ...body })).code);
  await mk('C1', { name: 'Phường Ba Đình', areaM2: 45, officers: 3, digitizingOfficers: 2 });
  await mk('C2', { name: 'Phường Ngọc Hà', areaM2: 35, officers: 2, digitizingOfficers: 2 });
  await mk('C3', { name: 'Phường Giảng Võ', officers: 4 });
  await mk('C4', { name: 'Phường Hoàn Kiếm', areaM2: 50, officers: 1, digitizingOfficers: 0 });
  // C1 meets everything.
  await add(C.C1!, 'pc', 3);
  await add(C.C1!, 'scanner', 2);
  for (const k of ['photocopier', 'queue_machine', 'rating_device']) await add(C.C1!, k, 1);
  // C2: one PC broken (1 of 2 counts), one scanner for two digitising officers, queue machine broken, no rating device.
  await add(C.C2!, 'pc', 1);
  await add(C.C2!, 'pc', 1, 'broken');
  await add(C.C2!, 'scanner', 1);
  await add(C.C2!, 'photocopier', 1);
  await add(C.C2!, 'queue_machine', 1, 'broken');
  // C3: area and digitising officers not declared; the photocopier is a spare.
  await add(C.C3!, 'pc', 4);
  await add(C.C3!, 'scanner', 1);
  await add(C.C3!, 'photocopier', 1, 'spare');
  await add(C.C3!, 'queue_machine', 1);
  await add(C.C3!, 'rating_device', 1);
  // C4: only a rating device.
  await add(C.C4!, 'rating_device', 1);
  head2 = (await createUser(s.admin, [{ role: 'unit_head', unitCode: C.C2! }])).client;
});
afterAll(async () => s?.stop());

const EXPECTED = {
  area_min: {
    met: 2,
    failing: [
      ['TC2', 35, 40, 'shortfall'],
      ['TC3', null, 40, 'missing_data'],
    ],
  },
  pc_per_officer: {
    met: 2,
    failing: [
      ['TC2', 1, 2, 'shortfall'],
      ['TC4', 0, 1, 'shortfall'],
    ],
  },
  scanner_per_digitizing_officer: {
    met: 2,
    failing: [
      ['TC2', 1, 2, 'shortfall'],
      ['TC3', 1, null, 'missing_data'],
    ],
  },
  photocopier: {
    met: 2,
    failing: [
      ['TC3', 0, 1, 'shortfall'],
      ['TC4', 0, 1, 'shortfall'],
    ],
  },
  queue_machine: {
    met: 2,
    failing: [
      ['TC2', 0, 1, 'shortfall'],
      ['TC4', 0, 1, 'shortfall'],
    ],
  },
  rating_device: { met: 3, failing: [['TC2', 0, 1, 'shortfall']] },
} as const;

function expectFixture(body: {
  units: number;
  fullyCompliantUnits: number;
  requirements: {
    id: string;
    metUnits: number;
    totalUnits: number;
    failing: { unitCode: string; have: number | null; need: number | null; reason: string }[];
  }[];
}) {
  expect(body.units).toBe(4);
  expect(body.fullyCompliantUnits).toBe(1);
  expect(body.requirements.map((r) => r.id)).toEqual(Object.keys(EXPECTED));
  for (const r of body.requirements) {
    const e = EXPECTED[r.id as keyof typeof EXPECTED];
    expect({ id: r.id, met: r.metUnits, total: r.totalUnits }).toEqual({ id: r.id, met: e.met, total: 4 });
    expect(r.failing.map((f) => [f.unitCode, f.have, f.need, f.reason])).toEqual(e.failing);
  }
}

describe('GET /compliance', () => {
  let before: string;

  it('matches the hand-computed figures for the city', async () => {
    const r = await s.admin.get('/api/v1/compliance?unit=HN');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ standardVersion: 1, unitCode: 'HN' });
    expectFixture(r.body);
    expect(r.body.broken.map((b: { kind: string; count: number }) => [b.kind, b.count])).toEqual([
      ['pc', 1],
      ['queue_machine', 1],
    ]);
    before = clock.now().toISOString();
  });

  it('reproduces those figures at that date after the register changed', async () => {
    await clock.advanceMinutes(24 * 60);
    // C2 gets a rating device; C4's figures change.
    await add(C.C2!, 'rating_device', 1);
    expect((await s.admin.patch(`/api/v1/units/${C.C4}`, { officers: 0 })).status).toBe(200);
    const now = (await s.admin.get('/api/v1/compliance?unit=HN')).body;
    expect(now.requirements.find((r: { id: string }) => r.id === 'rating_device').metUnits).toBe(4);
    expect(now.requirements.find((r: { id: string }) => r.id === 'pc_per_officer').metUnits).toBe(3);
    const then = await s.admin.get(`/api/v1/compliance?unit=HN&at=${encodeURIComponent(before)}`);
    expect(then.status, then.text).toBe(200);
    expectFixture(then.body);
    expect(then.body.broken.map((b: { kind: string; count: number }) => [b.kind, b.count])).toEqual([
      ['pc', 1],
      ['queue_machine', 1],
    ]);
    // Before anything was registered, every count requirement fails everywhere it is declared.
    const empty = await s.admin.get('/api/v1/compliance?unit=HN&at=2026-03-01T00:00:00Z');
    expect(empty.body.units).toBe(0); // the communes did not exist yet
  });

  it("gives a unit head his unit's checklist, and nothing of other units", async () => {
    const mine = await head2.get('/api/v1/compliance');
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ unitCode: C.C2, units: 1 });
    expect(mine.body.checklist).toEqual([
      { id: 'area_min', met: false, have: 35, need: 40, reason: 'shortfall' },
      { id: 'pc_per_officer', met: false, have: 1, need: 2, reason: 'shortfall' },
      { id: 'scanner_per_digitizing_officer', met: false, have: 1, need: 2, reason: 'shortfall' },
      { id: 'photocopier', met: true, have: 1, need: 1 },
      { id: 'queue_machine', met: false, have: 0, need: 1, reason: 'shortfall' },
      { id: 'rating_device', met: true, have: 1, need: 1 },
    ]);
    expect((await head2.get(`/api/v1/compliance?unit=${C.C1}`)).status).toBe(404);
    expect((await head2.get('/api/v1/compliance?unit=HN')).status).toBe(404);
    expect((await s.admin.get('/api/v1/compliance?at=yesterday')).status).toBe(422);
  });
});

describe('compliance tickets', () => {
  it('opens one per unit and requirement for declared units, and a rerun opens none', async () => {
    await runComplianceJob();
    const live = await liveCompliance();
    const by = (u: string) =>
      live
        .filter((t) => t.unit === u)
        .map((t) => reqOf(t.fp))
        .sort();
    expect(by(C.C1!)).toEqual([]);
    // The broken queue machine has no repair ticket yet, so the shortfall is ticketed.
    expect(by(C.C2!)).toEqual([
      'area_min',
      'pc_per_officer',
      'queue_machine',
      'scanner_per_digitizing_officer',
    ]);
    expect(by(C.C3!)).toEqual(['photocopier']); // missing figures are shown, not ticketed
    expect(by(C.C4!)).toEqual(['photocopier', 'queue_machine']); // 0 officers now: no PC needed
    const t = (await s.admin.get(`/api/v1/tickets?unit=${C.C3}`)).body.items.find(
      (x: { source: string }) => x.source === 'compliance',
    );
    expect(t.title).toBe('Phường Giảng Võ chưa đạt tiêu chuẩn: Có máy photocopy (có 0, cần 1)');
    expect(t.category).toBe('equipment');
    const before = await ticketWrites();
    await runComplianceJob();
    expect(await ticketWrites()).toBe(before);
  });

  it('resolves a ticket as soon as the requirement is met again', async () => {
    await add(C.C3!, 'photocopier', 1);
    const live = await liveCompliance();
    expect(live.filter((t) => t.unit === C.C3)).toEqual([]);
    const rows = await s.sql(
      `SELECT t.status FROM tickets t JOIN units u ON u.id = t.unit_id
       WHERE t.source = 'compliance' AND u.code = ? AND t.status = 'resolved'`,
      C.C3!,
    );
    expect(rows).toHaveLength(1);
  });

  it('a standard change re-evaluates once: new thresholds open, removed requirements resolve, no duplicates', async () => {
    const std = (await s.admin.get('/api/v1/equipment-standard')).body;
    expect(std.version).toBe(1);
    expect(std.requirements.map((r: { id: string }) => r.id)).toEqual(Object.keys(EXPECTED));
    const requirements = std.requirements
      .filter((r: { id: string }) => r.id !== 'area_min')
      .map((r: { id: string; min?: number }) => (r.id === 'photocopier' ? { ...r, min: 2 } : r));
    const bad = await s.admin.put('/api/v1/equipment-standard', {
      name: 'x',
      requirements: [{ ...requirements[0], form: 'count', kind: 'pc', min: 0 }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toContain('requirements.0');
    expect((await head2.put('/api/v1/equipment-standard', { nonsense: true })).status).toBe(403);
    const put = await s.admin.put('/api/v1/equipment-standard', {
      name: 'Tiêu chuẩn 2026 của thành phố',
      legalBasis: 'Quyết định số …/QĐ-UBND (thử nghiệm)',
      requirements,
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.version).toBe(2);
    const live = await liveCompliance();
    const reqs = live.map((t) => `${t.unit}:${reqOf(t.fp)}`).sort();
    expect(reqs).toEqual(
      [
        `${C.C1}:photocopier`,
        `${C.C2}:pc_per_officer`,
        `${C.C2}:photocopier`,
        `${C.C2}:queue_machine`,
        `${C.C2}:scanner_per_digitizing_officer`,
        `${C.C3}:photocopier`,
        `${C.C4}:photocopier`,
        `${C.C4}:queue_machine`,
      ].sort(),
    );
    const versions = (await s.admin.get('/api/v1/equipment-standard/versions')).body.items;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    // Figures at an earlier date still use the standard in force then.
    const old = await s.admin.get(
      `/api/v1/compliance?unit=HN&at=${encodeURIComponent(new Date(clock.now().getTime() - 3_600_000).toISOString())}`,
    );
    expect(old.body.standardVersion).toBe(1);
  });

  it('does not duplicate a repair ticket: broken equipment with a live ticket is not a compliance shortfall to ticket', async () => {
    const qm = (await s.admin.get(`/api/v1/assets?unit=${C.C2}&kind=queue_machine`)).body.items[0];
    // A compliance ticket for C2's queue machine exists; once a repair ticket is open, it resolves.
    const rep = await head2.post(`/api/v1/assets/${qm.id}/report`, { description: 'Không in được số' });
    expect(rep.status, rep.text).toBe(201);
    await runComplianceJob();
    const live = await liveCompliance();
    expect(live.filter((t) => t.unit === C.C2).map((t) => reqOf(t.fp))).not.toContain('queue_machine');
  });

  it('a future standard takes effect when its date comes', async () => {
    const cur = (await s.admin.get('/api/v1/equipment-standard')).body;
    const at = new Date(clock.now().getTime() + 7 * 86_400_000).toISOString();
    const put = await s.admin.put('/api/v1/equipment-standard', {
      name: 'Từ tuần sau',
      requirements: cur.requirements.slice(0, 1),
      activatedAt: at,
    });
    expect(put.status, put.text).toBe(200);
    expect((await s.admin.get('/api/v1/equipment-standard')).body.version).toBe(cur.version);
    const past = await s.admin.put('/api/v1/equipment-standard', {
      name: 'x',
      requirements: cur.requirements,
      activatedAt: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(422);
    expect(past.body.errors[0].path).toBe('activatedAt');
    await clock.advanceMinutes(8 * 24 * 60);
    expect((await s.admin.get('/api/v1/equipment-standard')).body.version).toBe(put.body.version);
    await runComplianceJob();
    const live = await liveCompliance();
    expect(new Set(live.map((t) => reqOf(t.fp)))).toEqual(new Set([cur.requirements[0].id]));
  });
});

describe('broken equipment', () => {
  it('is counted over counter units only, and a move keeps how long it has been broken', async () => {
    const brokenNow = async (at?: string) =>
      (await s.admin.get(`/api/v1/compliance?unit=HN${at ? `&at=${encodeURIComponent(at)}` : ''}`)).body
        .broken as {
        kind: string;
        count: number;
        brokenSince: string;
      }[];
    const before = await brokenNow();
    // Equipment of the city's own office is not a counter's.
    expect(
      (
        await s.admin.post('/api/v1/assets', {
          unitCode: 'HN',
          kind: 'pc',
          name: 'Máy chủ',
          status: 'broken',
        })
      ).status,
    ).toBe(201);
    expect(await brokenNow()).toEqual(before);
    const pc = (await s.admin.get(`/api/v1/assets?unit=${C.C2}&kind=pc&status=broken`)).body.items[0];
    const since = before.find((b) => b.kind === 'pc')!.brokenSince;
    expect(since).toBe(pc.statusSince);
    await clock.advanceMinutes(3 * 24 * 60);
    expect((await s.admin.patch(`/api/v1/assets/${pc.id}`, { unitCode: C.C1 })).status).toBe(200);
    await clock.advanceMinutes(1);
    const past = await brokenNow(new Date(clock.now().getTime() - 1000).toISOString());
    expect(past.find((b) => b.kind === 'pc')!.brokenSince).toBe(since);
    expect((await brokenNow()).find((b) => b.kind === 'pc')!.brokenSince).toBe(since);
  });
});
