/**
 * The matrix and calendar pages over HTTP: the grid and rules for every reader, the editor (admins
 * only) refusing a matrix with a gap and marking the very cell, activation of a valid one with its
 * history and diff, the simulator, and holiday edits — each checked against the JSON API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { textOf, UiClient } from './helpers/ui-client.js';

let s: TestServer;
let admin: UiClient;
let it1: UiClient;

beforeAll(async () => {
  s = await startTestServer();
  await createUnit(s.admin, { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' });
  admin = new UiClient(s.url);
  await admin.signIn('admin', ADMIN_PASSWORD);
  const { user } = await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }]);
  it1 = new UiClient(s.url);
  await it1.signIn(user.username, TEST_PASSWORD);
});
afterAll(async () => s?.stop());

async function activeBody() {
  const m = (await s.admin.get('/api/v1/matrix')).body;
  const { version: _v, activatedAt: _a, activatedBy: _b, ...body } = m;
  return body as {
    rules: { id: string; when: Record<string, unknown>; legalBasis?: string }[];
    legalBasis?: string;
  };
}

describe('reading the matrix', () => {
  it('shows the grid, the rules and the history to IT staff, but not the editor', async () => {
    const grid = await it1.get('/matrix');
    expect(grid.status).toBe(200);
    // 2 levels × 6 categories × 3 severities × 4 bands, every cell with its rule.
    expect((grid.html.match(/<td class="mcell mcell-a\d"/g) ?? []).length).toBe(144);
    expect(grid.html).not.toContain('mcell-gap');
    expect(textOf(grid.html)).toContain('từ 5.000.000 ₫ đến dưới 20.000.000 ₫');
    const rules = await it1.get('/matrix/rules');
    expect(rules.html).toContain('id="rule-commune-major-b1"');
    expect(textOf(rules.html)).toContain('Lãnh đạo đơn vị tại chính đơn vị');
    expect(textOf(rules.html)).toContain('24 giờ làm việc');
    expect((await it1.get('/matrix/versions')).status).toBe(200);
    expect((await it1.get('/matrix/edit')).status).toBe(403);
    expect(grid.html).not.toContain('href="/matrix/edit"');
    expect((await it1.get('/matrix/versions/999')).status).toBe(404);
  });

  it('answers "who would handle this?" with the API’s own simulation', async () => {
    const r = await it1.get(
      '/matrix/simulate?unit=00004&category=hardware&severity=major&cost=25+tri%E1%BB%87u',
    );
    expect(r.status).toBe(200);
    const sim = (
      await s.admin.post('/api/v1/matrix/simulate', {
        unitCode: '00004',
        category: 'hardware',
        severity: 'major',
        costEstimateVnd: 25_000_000,
      })
    ).body;
    const text = textOf(r.html);
    expect(text).toContain(sim.ruleId);
    expect(text).toContain('Lãnh đạo đơn vị · Phường Ba Đình (00004)');
    expect(text).toContain('Lãnh đạo đơn vị · Thành phố Hà Nội (HN)');
    expect(text).toContain('Khoảng chi phí 2: từ 20.000.000 ₫ đến dưới 100.000.000 ₫');
    const unknown = await it1.get('/matrix/simulate?unit=KHONGCO&category=hardware&severity=major');
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('id="f-unit-error"');
  });
});

describe('the matrix editor', () => {
  it('refuses a matrix with a gap, marks the cell, and keeps the active one', async () => {
    const body = await activeBody();
    const dropped = body.rules.find((r) => r.id === 'commune-minor-b1')!;
    const withGap = { ...body, rules: body.rules.filter((r) => r !== dropped) };
    await admin.get('/matrix/edit');
    for (const op of ['validate', 'save']) {
      const r = await admin.post('/matrix/edit', { matrix: JSON.stringify(withGap), op });
      expect(r.status, op).toBe(422);
      const text = textOf(r.html);
      expect(text, op).toContain('Ma trận chưa hợp lệ: 6 ô thiếu quy tắc');
      // The gap cells are drawn highlighted in the grid, each one named.
      const gaps = [
        ...r.html.matchAll(
          /<td class="mcell mcell-gap"[^>]*data-level="([^"]+)" data-category="([^"]+)" data-severity="([^"]+)" data-band="(\d)"/g,
        ),
      ].map((m) => `${m[1]}|${m[2]}|${m[3]}|${m[4]}`);
      expect(gaps.sort(), op).toEqual(
        ['equipment', 'hardware', 'network', 'peripheral', 'software', 'upstream'].map(
          (c) => `commune|${c}|minor|1`,
        ),
      );
      expect(text).toContain('Xã/Phường · Phần cứng · Thấp · Khoảng 1');
      // What was typed stays in the editor.
      expect(r.html).toContain('commune-minor-b0');
    }
    expect((await s.admin.get('/api/v1/matrix')).body.version).toBe(1);
  });

  it('shows overlaps and malformed JSON for what they are', async () => {
    const body = await activeBody();
    const twice = { ...body, rules: [...body.rules, { ...body.rules[0]!, id: 'trung-lap' }] };
    await admin.get('/matrix/edit');
    const r = await admin.post('/matrix/edit', { matrix: JSON.stringify(twice), op: 'validate' });
    expect(r.status).toBe(422);
    expect(r.html).toContain('mcell mcell-overlap');
    expect(textOf(r.html)).toContain('trung-lap');
    const bad = await admin.post('/matrix/edit', { matrix: '{"name": "x",', op: 'validate' });
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toContain('JSON không đọc được');
    const shape = await admin.post('/matrix/edit', { matrix: '{"name": ""}', op: 'validate' });
    expect(shape.status).toBe(422);
    expect(textOf(shape.html)).toContain('Sai cấu trúc');
  });

  it('activates a valid matrix, keeps the history and shows the difference', async () => {
    const body = await activeBody();
    const basis = 'Quyết định 1234/QĐ-UBND ngày 01/7/2025 của UBND Thành phố Hà Nội (ví dụ)';
    const next = {
      ...body,
      legalBasis: basis,
      rules: body.rules.map((r) =>
        r.id === 'commune-major-b1' ? { ...r, sla: { ...(r as any).sla, resolveMinutes: 960 } } : r,
      ),
    };
    await admin.get('/matrix/edit');
    const check = await admin.post('/matrix/edit', { matrix: JSON.stringify(next), op: 'validate' });
    expect(check.status).toBe(200);
    expect(textOf(check.html)).toContain('Ma trận hợp lệ');
    const saved = await admin.post('/matrix/edit', { matrix: JSON.stringify(next), op: 'save' });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/matrix');
    const page = textOf((await admin.get('/matrix')).html);
    expect(page).toContain('Đã kích hoạt ma trận phiên bản 2.');
    expect(page).toContain(basis);
    expect((await s.admin.get('/api/v1/matrix')).body.version).toBe(2);

    const list = (await s.admin.get('/api/v1/matrix/versions?limit=1')).body;
    expect(list.items.map((v: { version: number }) => v.version)).toEqual([2]);
    expect(list.nextCursor).toBeTruthy();
    const versions = textOf((await it1.get('/matrix/versions')).html);
    expect(versions).toContain('Phiên bản 2');
    expect(versions).toContain('Phiên bản 1');
    const diff = await it1.get('/matrix/diff?from=1&to=2');
    expect(diff.status).toBe(200);
    const d = textOf(diff.html);
    expect(d).toContain('legalBasis');
    expect(d).toContain('sla.resolveMinutes');
    expect(d).toMatch(/Ô đổi cách định tuyến \(6\)/);
    // The old version stays readable and says it is old.
    expect(textOf((await it1.get('/matrix/versions/1')).html)).toContain('Bạn đang xem phiên bản cũ 1');

    // New tickets now carry the basis on their page.
    const t = await s.admin.post('/api/v1/tickets', {
      unitCode: '00004',
      category: 'network',
      severity: 'minor',
      title: 'Mạng chậm',
    });
    expect(textOf((await it1.get(`/tickets/${t.body.id}`)).html)).toContain(basis);
  });
});

describe('the working calendar', () => {
  it('lets an administrator add and remove a holiday; IT staff read it', async () => {
    const page = await admin.get('/admin/calendar?year=2026');
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('Tết Nguyên đán');
    const r = await admin.post('/admin/calendar/holidays', {
      year: '2026',
      'h-date': '2026-10-10',
      'h-nameVi': 'Ngày Giải phóng Thủ đô',
      'h-nameEn': 'Capital Liberation Day',
      'h-status': 'official',
      'h-source': 'Quyết định của UBND Thành phố (ví dụ)',
    });
    expect(r.status).toBe(303);
    const cal = (await s.admin.get('/api/v1/calendar')).body;
    expect(cal.holidays.some((h: { date: string }) => h.date === '2026-10-10')).toBe(true);
    expect(textOf((await admin.get('/admin/calendar?year=2026')).html)).toContain('Thứ Bảy, 10/10/2026');
    const dup = await admin.post('/admin/calendar/holidays', {
      year: '2026',
      'h-date': '2026-10-10',
      'h-nameVi': 'Trùng',
      'h-nameEn': 'Duplicate',
      'h-status': 'official',
    });
    expect(dup.status).toBe(422);
    expect(textOf(dup.html)).toContain('Ngày này đã có trong danh sách.');
    await admin.get('/admin/calendar?year=2026');
    expect(
      (await admin.post('/admin/calendar/holidays/remove', { date: '2026-10-10', year: '2026' })).status,
    ).toBe(303);
    expect(
      (await s.admin.get('/api/v1/calendar')).body.holidays.some(
        (h: { date: string }) => h.date === '2026-10-10',
      ),
    ).toBe(false);

    const itPage = await it1.get('/admin/calendar');
    expect(itPage.status).toBe(200);
    expect(itPage.html).not.toContain('action="/admin/calendar/holidays"');
    const refused = await it1.post('/admin/calendar/holidays/remove', { date: '2026-01-01', year: '2026' });
    expect(refused.status).toBe(403);
  });
});
