/**
 * The Reports page over HTTP: figures as a person reads them (VND with separators, "100 % (1/1)"),
 * the definitions as footnotes, a hostile unit name escaped, scope by URL, bad days → 422 on the form.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalSteps, tickets, units } from '../../server/db/schema.js';
import { hanoiUnits } from '../e2e/helpers/hanoi.js';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { textOf, UiClient } from './helpers/ui-client.js';

const HOSTILE = '<script>alert("x")</script> Phường <b>Khương</b> Đình';
let s: TestServer;
let wardCode: string;
let otherCode: string;
let head: UiClient;
let admin: UiClient;

beforeAll(async () => {
  s = await startTestServer();
  const [a, b] = hanoiUnits();
  wardCode = (await createUnit(s.admin, { code: a!.code, name: HOSTILE, level: 'commune', parentCode: 'HN' }))
    .code;
  otherCode = (
    await createUnit(s.admin, { code: b!.code, name: b!.name, level: 'commune', parentCode: 'HN' })
  ).code;
  const ids: string[] = [];
  for (const [unitCode, title] of [
    [wardCode, 'Máy in phiếu hẹn in mờ'],
    [wardCode, 'Máy quét hồ sơ không nhận lệnh'],
    [wardCode, 'Ổ đĩa C: sắp đầy'],
    [otherCode, 'Mất kết nối mạng'],
  ]) {
    const r = await s.admin.post('/api/v1/tickets', {
      unitCode,
      category: 'hardware',
      severity: 'major',
      title,
    });
    expect(r.status, r.text).toBe(201);
    ids.push(r.body.id);
  }
  for (const action of ['acknowledge', 'start', 'resolve'])
    expect(
      (await s.admin.post(`/api/v1/tickets/${ids[0]}/actions`, { action, note: 'Đã thay hộp mực' })).status,
    ).toBe(200);
  // An approval chain completed now (written directly: the default matrix's approval path is the
  // tickets suite's business; here only the page's figure matters).
  const now = s.deps.clock.now();
  const wardId = (await s.deps.store.read.select().from(units).where(eq(units.code, wardCode)))[0]!.id;
  await s.deps.store.write(async (tx) => {
    await tx
      .update(tickets)
      .set({ costEstimateVnd: 8_500_000, approvalRound: 1 })
      .where(and(eq(tickets.id, ids[1]!)));
    await tx.insert(approvalSteps).values({
      ticketId: ids[1]!,
      round: 1,
      step: 1,
      role: 'unit_head',
      unitId: wardId,
      decision: 'approve',
      decidedAt: now,
    });
  });
  const u = await createUser(s.admin, [{ role: 'unit_head', unitCode: wardCode }]);
  head = new UiClient(s.url);
  await head.signIn(u.user.username, TEST_PASSWORD);
  admin = new UiClient(s.url);
  await admin.signIn('admin', ADMIN_PASSWORD);
}, 60_000);
afterAll(() => s.stop());

describe('/reports', () => {
  it('shows the figures, the definitions and a CSV link, with the hostile name escaped', async () => {
    const r = await head.get('/reports');
    expect(r.status).toBe(200);
    expect(r.html).not.toContain('<script>alert');
    expect(r.html).not.toContain('<b>Khương</b>');
    expect(r.html).toContain('&lt;script&gt;');
    const text = textOf(r.html);
    expect(text).toContain(`${HOSTILE} (${wardCode})`);
    expect(text).not.toContain(otherCode);
    // One response and one resolution, both on time; the other two are not decided yet.
    expect(text).toMatch(/100 % \(1\/1\)[\s\S]*100 % \(1\/1\)/);
    expect(text).toMatch(/8\.500\.000\s₫ \(1 phiếu\)/);
    expect(text).toContain('trung vị');
    expect(text).toContain('(n = 1)');
    expect(text).toContain('Tổng');
    // Every figure has its footnote, and the header carries the same text as a tooltip.
    for (const id of [
      'period',
      'opened',
      'respondOnTime',
      'resolveOnTime',
      'wallTime',
      'workTime',
      'backlog',
      'approvedCost',
      'reopened',
    ])
      expect(r.html).toContain(`id="def-${id}"`);
    expect(text).toContain('thời gian tạm dừng không tính vào SLA');
    expect(r.html).toMatch(/title="Đúng hạn xử lý = số đạt/);
    const csv = /href="(\/api\/v1\/reports\/sla\?[^"]+)"/.exec(r.html)?.[1]?.replace(/&amp;/g, '&');
    expect(csv).toContain('format=csv');
    const file = await head.get(csv!);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.html).toContain(HOSTILE.replace(/"/g, '""'));
  });

  it('the nav shows Reports; another unit by URL is a 404; bad days are a 422 on the form', async () => {
    const home = await head.get('/');
    expect(home.html).toContain('href="/reports"');
    expect((await head.get(`/reports?unit=${otherCode}`)).status).toBe(404);
    const bad = await head.get('/reports?period=custom&from=2026-02-30&to=2026-03-31');
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('id="f-from-error"');
    const long = await head.get('/reports?period=custom&from=2024-01-01&to=2025-06-30');
    expect(long.status).toBe(422);
    expect(long.html).toContain('id="f-to-error"');
  });

  it('the city admin sees both units, by category too, and in English', async () => {
    const r = await admin.get('/reports?period=this_quarter');
    const text = textOf(r.html);
    expect(text).toContain(otherCode);
    expect(text).toContain(wardCode);
    const byCat = textOf((await admin.get('/reports?by=category')).html);
    expect(byCat).toContain('Phần cứng');
    const en = textOf((await admin.get('/reports?lang=en')).html);
    expect(en).toContain('Resolved on time');
    expect(en).toMatch(/8,500,000\sVND \(1 ticket\)/);
  });
});
