/**
 * GET /api/v1/reports/sla over the real server: scope (unit head, a district's IT staff), validation
 * (422, nothing written), CSV (BOM, header, filename), and the SQL aggregation agreeing with the
 * domain's reference definitions on random tickets.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalSteps, tickets, units } from '../../server/db/schema.js';
import { periodOfDays, summarise, vnDayOf } from '../../server/domain/sla-report.js';
import { aggregate, reportTickets } from '../../server/services/sla-report.js';
import { expectNothingWritten } from '../helpers/db.js';
import type { ApiClient } from '../helpers/http.js';
import { type ScopeWorld, startScopeWorld } from '../helpers/scope-world.js';

let w: ScopeWorld;
const today = vnDayOf(Date.now());
const q = (extra = '') => `/api/v1/reports/sla?from=${today}&to=${today}${extra}`;

async function open(client: ApiClient, unitCode: string, title: string) {
  const r = await client.post('/api/v1/tickets', {
    unitCode,
    category: 'hardware',
    severity: 'major',
    title,
  });
  expect(r.status, r.text).toBe(201);
  return r.body.id as string;
}

beforeAll(async () => {
  w = await startScopeWorld();
  const { C1, C2, D1 } = w.code;
  await open(w.as.admin!, C1, 'Máy in phiếu hẹn in mờ');
  const fixed = await open(w.as.admin!, C1, 'Máy quét không nhận lệnh');
  await open(w.as.admin!, C2, 'Mất kết nối Cổng dịch vụ công');
  await open(w.as.admin!, D1, 'Máy tính quầy không khởi động');
  for (const action of ['acknowledge', 'start', 'resolve']) {
    const r = await w.as.admin!.post(`/api/v1/tickets/${fixed}/actions`, { action, note: 'Đã thay cáp' });
    expect(r.status, r.text).toBe(200);
  }
}, 60_000);
afterAll(() => w.s.stop());

const codes = (body: { groups: { label: string }[] }) => body.groups.map((g) => g.label).sort();

describe('scope', () => {
  it('a unit head sees only its own unit', async () => {
    const r = await w.as.headC1!.get(q());
    expect(r.status, r.text).toBe(200);
    expect(codes(r.body)).toEqual([w.code.C1]);
    const c1 = r.body.groups[0];
    expect(c1).toMatchObject({ opened: 2, resolved: 1, backlog: 1, name: 'Phường Khương Đình' });
    expect(c1.respond).toEqual({ met: 1, breached: 0, excluded: 0 });
    expect(c1.resolve).toEqual({ met: 1, breached: 0, excluded: 0 });
    expect(c1.wallMinutes.n).toBe(1);
    // Times on the wire are ISO-8601 in UTC, as every time of the contract.
    expect(c1.oldestBacklogAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(r.body.total.oldestBacklogAt).toBe(c1.oldestBacklogAt);
    expect(r.body.total.opened).toBe(2);
    expect(r.body.definitions.resolveOnTime.vi).toContain('tạm dừng');
    // Another unit, or its parent district, is invisible to it.
    expect((await w.as.headC1!.get(q(`&unit=${w.code.C2}`))).status).toBe(404);
    expect((await w.as.headC1!.get(q(`&unit=${w.code.D1}`))).status).toBe(404);
  });

  it("a district's IT staff sees the district and its communes, not another district's", async () => {
    const r = await w.as.itD1!.get(q());
    expect(codes(r.body)).toEqual([w.code.C1, w.code.D1].sort());
    expect(r.body.total.opened).toBe(3);
    const one = await w.as.itD1!.get(q(`&unit=${w.code.C1}`));
    expect(codes(one.body)).toEqual([w.code.C1]);
    expect(one.body.unit).toEqual({ code: w.code.C1, name: 'Phường Khương Đình' });
    expect((await w.as.itD1!.get(q(`&unit=${w.code.C2}`))).status).toBe(404);
    const byCat = await w.as.itD1!.get(q('&by=category'));
    expect(byCat.body.groups.map((g: { label: string; opened: number }) => [g.label, g.opened])).toEqual([
      ['hardware', 3],
    ]);
  });

  it('the city admin sees every unit; anonymous is 401', async () => {
    const r = await w.as.admin!.get(q());
    expect(codes(r.body)).toEqual([w.code.C1, w.code.C2, w.code.D1].sort());
    expect(r.body.total.opened).toBe(4);
    expect((await w.s.anon.get(q())).status).toBe(401);
  });
});

describe('validation', () => {
  it.each([
    ['from=2026-02-30&to=2026-03-01', 'from'],
    ['from=2026-03-10&to=2026-03-01', 'to'],
    ['from=2024-01-01&to=2025-01-01', 'to'],
    ['to=2026-03-01', 'from'],
    ['from=01/03/2026&to=2026-03-31', 'from'],
    ['from=2026-03-01&to=2026-03-31&by=severity', 'by'],
    ['from=2026-03-01&to=2026-03-31&unit=%27%3B--', 'unit'],
  ])('%s → 422 naming %s, nothing written', async (query, path) => {
    await expectNothingWritten(w.s.deps, async () => {
      const r = await w.as.itD1!.get(`/api/v1/reports/sla?${query}`);
      expect(r.status).toBe(422);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }, ['sessions']);
  });

  it('366 days are allowed (a leap year)', async () => {
    expect((await w.as.itD1!.get('/api/v1/reports/sla?from=2024-01-01&to=2024-12-31')).status).toBe(200);
  });
});

describe('CSV', () => {
  async function raw(path: string, headers: Record<string, string> = {}) {
    const r = await fetch(w.s.url + path, {
      headers: { authorization: `Bearer ${w.as.itD1!.token}`, ...headers },
    });
    return { r, bytes: new Uint8Array(await r.arrayBuffer()) };
  }

  it('?format=csv: UTF-8 with a BOM, a header row, one row per unit and a total, a filename', async () => {
    const { r, bytes } = await raw(q('&format=csv'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="sla-all-${today}_${today}.csv"`);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3)).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]!.split(',')).toHaveLength(19);
    expect(lines[0]).toMatch(/^Loại dòng,Mã,Tên,Phiếu mới,Đã xử lý,/);
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    expect(rows.map((c) => c[0])).toEqual(['unit', 'unit', 'total']);
    const c1 = rows.find((c) => c[1] === w.code.C1)!;
    expect(c1[2]).toBe('Phường Khương Đình');
    expect(c1.slice(3, 5)).toEqual(['2', '1']);
    // Every figure is a plain integer or empty (no decimals, no thousands separators).
    for (const row of rows) for (const cell of row.slice(3)) expect(cell).toMatch(/^(\d+)?$/);
    expect(rows.at(-1)!.slice(3, 5)).toEqual(['3', '1']);
  });

  it('Accept: text/csv gives CSV, in English with ?lang=en; Accept: application/json keeps JSON', async () => {
    const { r, bytes } = await raw(q(`&lang=en&unit=${w.code.C1}`), { accept: 'text/csv' });
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toContain(`sla-${w.code.C1}-`);
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\r\n')[0]).toMatch(/^row,code,name,opened,resolved,respond_met,/);
    const json = await raw(q(), { accept: 'application/json, text/csv' });
    expect(json.r.headers.get('content-type')).toContain('application/json');
  });
});

describe('SQL agrees with the reference definitions', () => {
  it('on 600 random tickets over three months, by unit and by category', async () => {
    const db = w.s.deps.store.read;
    const unitRows = await db.select({ id: units.id }).from(units);
    let seed = 7;
    const rand = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const H = 3_600_000;
    const base = Date.parse('2026-01-01T00:00:00+07:00');
    const span = 90 * 24 * H;
    const rows: (typeof tickets.$inferInsert)[] = [];
    const steps: (typeof approvalSteps.$inferInsert)[] = [];
    for (let i = 0; i < 600; i++) {
      const created = base + Math.floor(rand() * span);
      // Whole hours on purpose: many values fall exactly on deadlines and period bounds.
      const respondBy = created + Math.floor(rand() * 8) * H;
      const resolveBy = created + Math.floor(rand() * 72) * H;
      const live = rand() < 0.25;
      const paused = live && rand() < 0.4;
      const status = live
        ? paused
          ? 'awaiting_approval'
          : 'in_progress'
        : rand() < 0.5
          ? 'closed'
          : 'resolved';
      const respondedAt = rand() < 0.8 ? created + Math.floor(rand() * 10) * H : null;
      const resolvedAt = live ? null : created + Math.floor(rand() * 100) * H;
      const cost = rand() < 0.3 ? Math.round(rand() * 40) * 500_000 : null;
      const id = `agree${String(i).padStart(4, '0')}`;
      rows.push({
        id,
        number: 10_000 + i,
        title: 'Phiếu thử',
        unitId: unitRows[Math.floor(rand() * unitRows.length)]!.id,
        category: ['hardware', 'network', 'peripheral'][Math.floor(rand() * 3)]!,
        severity: 'major',
        source: 'manual',
        status,
        handlerRole: 'it_staff',
        handlerUnitId: unitRows[0]!.id,
        costEstimateVnd: cost,
        ruleId: 'r',
        matrixVersion: 1,
        explanation: { vi: '-', en: '-' },
        approvalRound: cost !== null ? 1 : 0,
        sla: {
          respondMinutes: 240,
          resolveMinutes: 1440,
          approveMinutes: 480,
          clock: paused ? 'paused' : live ? 'running' : 'stopped',
          usedMinutes: Math.floor(rand() * 2000 * 100) / 100,
          pausedMinutes: 0,
          calendarAt: null,
        },
        respondBy: new Date(respondBy),
        resolveBy: new Date(resolveBy),
        respondedAt: respondedAt === null ? null : new Date(respondedAt),
        createdAt: new Date(created),
        updatedAt: new Date(created),
        resolvedAt: resolvedAt === null ? null : new Date(resolvedAt),
      });
      if (cost !== null) {
        const decided = created + Math.floor(rand() * 48) * H;
        const two = rand() < 0.5;
        const lastDecision = rand() < 0.7 ? 'approve' : rand() < 0.5 ? 'reject' : null;
        steps.push({
          ticketId: id,
          round: 1,
          step: 1,
          role: 'unit_head',
          unitId: unitRows[0]!.id,
          decision: two ? 'approve' : lastDecision,
          decidedAt: two || lastDecision ? new Date(decided) : null,
        });
        if (two)
          steps.push({
            ticketId: id,
            round: 1,
            step: 2,
            role: 'unit_head',
            unitId: unitRows[0]!.id,
            decision: lastDecision,
            decidedAt: lastDecision ? new Date(decided + H) : null,
          });
        // An approved earlier round does not count: only the current round's chain.
        if (rand() < 0.1)
          steps.push({
            ticketId: id,
            round: 0,
            step: 1,
            role: 'unit_head',
            unitId: unitRows[0]!.id,
            decision: 'approve',
            decidedAt: new Date(decided),
          });
      }
    }
    await w.s.deps.store.write(async (tx) => {
      await tx.insert(tickets).values(rows);
      await tx.insert(approvalSteps).values(steps);
    });
    const all = await reportTickets(db);
    const now = base + 75 * 24 * H + 5 * H; // mid-March: the March report has undecided deadlines
    for (const [from, to] of [
      ['2026-01-01', '2026-01-31'],
      ['2026-02-01', '2026-02-28'],
      ['2026-03-01', '2026-03-31'],
      ['2026-01-15', '2026-03-20'],
    ] as const) {
      const p = periodOfDays(from, to);
      for (const by of ['unit', 'category'] as const) {
        const key = by === 'unit' ? sql`${tickets.unitId}` : sql`${tickets.category}`;
        const got = await aggregate(db, sql`1`, key, p, now);
        const want = summarise(all, p, now, (t) => (by === 'unit' ? t.unitId : t.category));
        expect(got, `${from}..${to} by ${by}`).toEqual(want);
      }
    }
    // The data exercised every branch.
    const march = summarise(all, periodOfDays('2026-03-01', '2026-03-31'), now, () => '');
    expect(march.total.resolve.excluded).toBeGreaterThan(0);
    expect(march.total.respond.breached).toBeGreaterThan(0);
    expect(march.total.approvedCount).toBeGreaterThan(0);
    expect(march.total.backlog).toBeGreaterThan(0);
  });
});
