/**
 * The register as a spreadsheet through the API: XLSX written by exceljs and CSV (BOM, `;`) imported;
 * a dry run listing each bad row's errors by line and column, the commit refusing the whole file
 * (422, nothing written); duplicate tags, unknown and out-of-scope units; the template and the exports
 * downloaded and parsed again (and re-imported); 2 000 rows timed; XLSX refused with 415 by an app
 * without the codec (as on Workers) while CSV keeps working.
 */
import { type ServerType, serve } from '@hono/node-server';
import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { Metrics } from '../../server/metrics.js';
import { ManualClock } from '../helpers/clock.js';
import { expectNothingWritten } from '../helpers/db.js';
import { createUnit, createUser, unique } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADERS = [
  'Mã tài sản',
  'Đơn vị (mã)',
  'Loại',
  'Tên thiết bị',
  'Hãng sản xuất',
  'Model',
  'Số sê-ri',
  'Ngày mua',
  'Giá (VND)',
  'Nguồn kinh phí',
  'Bảo hành đến',
  'Nhà cung cấp',
  'Trạng thái',
  'Ghi chú',
];

const clock = new ManualClock('2026-03-02T02:00:00Z');
let s: TestServer;
let wardA: { code: string };
let wardB: { code: string };
let itA: ApiClient;
let viewerA: ApiClient;
const SUPPLIER = 'Công ty TNHH Tin học Ba Đình';

beforeAll(async () => {
  s = await startTestServer({ clock });
  wardA = await createUnit(s.admin, {
    level: 'commune',
    parentCode: 'HN',
    name: 'Phường Ba Đình',
    officers: 4,
  });
  wardB = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Ngọc Hà' });
  itA = (await createUser(s.admin, [{ role: 'it_staff', unitCode: wardA.code }])).client;
  viewerA = (await createUser(s.admin, [{ role: 'viewer', unitCode: wardA.code }])).client;
  const sup = await s.admin.post('/api/v1/suppliers', { name: SUPPLIER, phone: '024 3823 0000' });
  expect(sup.status, sup.text).toBe(201);
});
afterAll(async () => s?.stop());

// ---- helpers ------------------------------------------------------------------------------------

interface Upload {
  status: number;
  body: any;
  headers: Headers;
}

async function upload(
  c: ApiClient,
  body: string | Uint8Array,
  type: string,
  dryRun: string | undefined,
  base = c.base,
): Promise<Upload> {
  const q = dryRun === undefined ? '' : `?dryRun=${dryRun}`;
  const r = await fetch(`${base}/api/v1/assets/import${q}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}`, 'content-type': type },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
}

async function download(c: ApiClient, path: string, base = c.base) {
  const r = await fetch(base + path, { headers: { authorization: `Bearer ${c.token}` } });
  return { status: r.status, headers: r.headers, bytes: new Uint8Array(await r.arrayBuffer()) };
}

/** A CSV the way Excel writes one: optional BOM, the chosen delimiter, CRLF lines, quoted when needed. */
function csv(rows: (string | number)[][], opts: { bom?: boolean; delimiter?: string } = {}) {
  const d = opts.delimiter ?? ',';
  const cell = (v: string | number) => {
    const t = String(v);
    return t.includes(d) || t.includes('"') || t.includes('\n') ? `"${t.replace(/"/g, '""')}"` : t;
  };
  return (opts.bom ? '\uFEFF' : '') + rows.map((r) => r.map(cell).join(d)).join('\r\n') + '\r\n';
}

async function xlsx(rows: ExcelJS.CellValue[][], dateFormat = 'dd/mm/yyyy'): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sổ thiết bị');
  for (const r of rows) ws.addRow(r);
  ws.getColumn(8).numFmt = dateFormat;
  ws.getColumn(11).numFmt = dateFormat;
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function sheetsOf(bytes: Uint8Array) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  return wb;
}

function rowsOf(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow((row) => {
    out.push((row.values as unknown[]).slice(1));
  });
  return out;
}

const csvRows = (bytes: Uint8Array) =>
  parseCsv(Buffer.from(bytes).toString('utf8'), { bom: true }) as string[][];

const assetsOfUnit = async (code: string) =>
  (await s.deps.store.read.all(
    sql`SELECT a.asset_tag AS tag, a.kind, a.name, a.purchased_on AS purchasedOn, a.price_vnd AS price,
               a.warranty_until AS warranty, a.status, a.supplier_id AS supplierId
        FROM assets a JOIN units u ON u.id = a.unit_id WHERE u.code = ${code} ORDER BY a.asset_tag`,
  )) as Record<string, unknown>[];

const row = (over: Partial<Record<string, string | number>> = {}) =>
  HEADERS.map((h) => over[h] ?? '') as (string | number)[];

// ---- import -------------------------------------------------------------------------------------

describe('POST /assets/import', () => {
  it('imports an XLSX written by exceljs: date cells, numbers, Vietnamese labels; dry run first', async () => {
    const unit = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Hoàn Kiếm' });
    const tag = unique('XL-');
    const file = await xlsx([
      HEADERS,
      [
        tag,
        unit.code,
        'Máy quét',
        'Máy quét Fujitsu fi-7160',
        'Fujitsu',
        'fi-7160',
        'FJ-7160-01',
        new Date(Date.UTC(2025, 8, 1)),
        18_500_000,
        'Ngân sách phường',
        new Date(Date.UTC(2027, 8, 1)),
        SUPPLIER.toUpperCase(),
        'Đang dùng',
        'quầy 1',
      ],
      [
        '',
        unit.code.toLowerCase(),
        'may LAY so thu tu',
        'Máy lấy số Quầy',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        'dự phòng',
        '',
      ],
    ]);
    const dry = await upload(s.admin, file, XLSX, '1');
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toEqual({ rows: 2, created: 0, errors: [] });
    expect(await assetsOfUnit(unit.code)).toEqual([]);

    const done = await upload(s.admin, file, XLSX, '0');
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toEqual({ rows: 2, created: 2, errors: [] });
    const got = await assetsOfUnit(unit.code);
    const scanner = got.find((a) => a.tag === tag)!;
    expect(scanner).toMatchObject({
      kind: 'scanner',
      purchasedOn: '2025-09-01',
      warranty: '2027-09-01',
      price: 18_500_000,
      status: 'in_use',
    });
    expect(scanner.supplierId).toBeTruthy();
    const queue = got.find((a) => a.tag !== tag)!;
    expect(queue).toMatchObject({ kind: 'queue_machine', status: 'spare' });
    expect(String(queue.tag)).toMatch(/^STT-[0-9A-Z]{6}$/);
    const audit = await s.deps.store.read.all<{ data: string }>(
      sql`SELECT data FROM audit_events WHERE action = 'asset.import' ORDER BY at DESC, rowid DESC LIMIT 1`,
    );
    expect(JSON.parse(String(audit[0]!.data))).toMatchObject({
      count: 2,
      format: 'xlsx',
      units: [unit.code],
    });
  });

  it('imports a CSV with a BOM and ";" (Excel in Vietnamese settings), dd/mm/yyyy and 12.500.000', async () => {
    const unit = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Cửa Nam' });
    const body = csv(
      [
        HEADERS,
        row({
          'Đơn vị (mã)': unit.code,
          Loại: 'Máy in',
          'Tên thiết bị': 'Máy in HP; quầy 3',
          'Ngày mua': '15/01/2025',
          'Giá (VND)': '12.500.000',
          'Bảo hành đến': '2026-01-15',
          'Trạng thái': 'Hỏng',
          'Ghi chú': 'kẹt giấy "thường xuyên"',
        }),
        row({
          'Đơn vị (mã)': unit.code,
          Loại: 'photocopier',
          'Tên thiết bị': 'Máy photo',
          'Giá (VND)': '7,900,000',
        }),
      ],
      { bom: true, delimiter: ';' },
    );
    const r = await upload(s.admin, body, 'text/csv; charset=utf-8', '0');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ rows: 2, created: 2, errors: [] });
    const got = await assetsOfUnit(unit.code);
    expect(got.map((a) => [a.kind, a.name, a.price, a.purchasedOn, a.status]).sort()).toEqual([
      ['photocopier', 'Máy photo', 7_900_000, null, 'in_use'],
      ['printer', 'Máy in HP; quầy 3', 12_500_000, '2025-01-15', 'broken'],
    ]);
  });

  it('accepts the English field names as headers, without a BOM', async () => {
    const unit = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Giảng Võ' });
    const body = csv([
      ['unitCode', 'kind', 'name', 'priceVnd', 'status', 'supplier'],
      [unit.code, 'ups', 'Bộ lưu điện Santak', '2500000', 'in_use', SUPPLIER],
    ]);
    const r = await upload(s.admin, body, 'text/csv', '0');
    expect(r.body).toEqual({ rows: 1, created: 1, errors: [] });
    expect(await assetsOfUnit(unit.code)).toMatchObject([{ kind: 'ups', price: 2_500_000 }]);
  });

  it('lists every bad row by line and column in a dry run; the commit refuses the file (422) and writes nothing', async () => {
    const taken = unique('TAKEN-');
    expect(
      (
        await s.admin.post('/api/v1/assets', {
          unitCode: wardA.code,
          kind: 'pc',
          name: 'PC',
          assetTag: taken,
        })
      ).status,
    ).toBe(201);
    const dup = unique('DUP-');
    const body = csv([
      HEADERS,
      row({ 'Đơn vị (mã)': wardA.code, Loại: 'Máy nướng bánh', 'Tên thiết bị': 'x' }), // 2: kind
      row({ 'Đơn vị (mã)': wardA.code, Loại: 'pc', 'Tên thiết bị': 'PC', 'Ngày mua': '31/02/2025' }), // 3: date
      row({
        'Đơn vị (mã)': wardA.code,
        Loại: 'pc',
        'Tên thiết bị': 'PC',
        'Ngày mua': '2025-06-01',
        'Bảo hành đến': '01/01/2025',
      }), // 4: warranty before purchase
      row({
        'Đơn vị (mã)': wardA.code,
        Loại: 'pc',
        'Tên thiết bị': 'PC',
        'Nhà cung cấp': 'Công ty Không Có',
      }), // 5
      row({ 'Đơn vị (mã)': wardA.code, Loại: 'pc', 'Tên thiết bị': 'PC', 'Giá (VND)': '12,5 triệu' }), // 6: price
      row({ 'Đơn vị (mã)': wardA.code, Loại: 'pc', 'Tên thiết bị': '' }), // 7: name empty
      row({ 'Đơn vị (mã)': wardA.code, Loại: 'pc', 'Tên thiết bị': 'PC', 'Trạng thái': 'mất' }), // 8: status
      row({ 'Mã tài sản': dup, 'Đơn vị (mã)': wardA.code, Loại: 'pc', 'Tên thiết bị': 'PC' }), // 9: fine
      [], // 10: an empty line is skipped, numbering goes on
      row({ 'Mã tài sản': dup.toLowerCase(), 'Đơn vị (mã)': wardA.code, Loại: 'pc', 'Tên thiết bị': 'PC' }), // 11
      row({ 'Mã tài sản': taken, 'Đơn vị (mã)': wardA.code, Loại: 'pc', 'Tên thiết bị': 'PC' }), // 12: in use
      row({ 'Mã tài sản': 'có dấu', 'Đơn vị (mã)': wardA.code, Loại: 'pc', 'Tên thiết bị': 'PC' }), // 13
      row({ 'Đơn vị (mã)': 'KHONG-CO', Loại: 'pc', 'Tên thiết bị': 'PC' }), // 14: unknown unit
      row({ 'Đơn vị (mã)': wardA.code, Loại: 'scanner', 'Tên thiết bị': 'Máy quét tốt' }), // 15: fine
    ]);
    const dry = await upload(itA, body, 'text/csv', '1');
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.rows).toBe(13); // the empty line 10 is no row
    expect(dry.body.created).toBe(0);
    const where = dry.body.errors.map((e: { line: number; column: string }) => [e.line, e.column]);
    expect(where).toEqual([
      [2, 'Loại'],
      [3, 'Ngày mua'],
      [4, 'Bảo hành đến'],
      [5, 'Nhà cung cấp'],
      [6, 'Giá (VND)'],
      [7, 'Tên thiết bị'],
      [8, 'Trạng thái'],
      [11, 'Mã tài sản'],
      [12, 'Mã tài sản'],
      [13, 'Mã tài sản'],
      [14, 'Đơn vị (mã)'],
    ]);
    const msg = (line: number) => dry.body.errors.find((e: { line: number }) => e.line === line).message;
    expect(msg(2)).toContain('Máy nướng bánh');
    expect(msg(3)).toContain('ngày/tháng/năm');
    expect(msg(4)).toContain('trước ngày mua');
    expect(msg(5)).toContain('Công ty Không Có');
    expect(msg(7)).toContain('không được để trống');
    expect(msg(11)).toContain('trùng với dòng 9');
    expect(msg(12)).toContain('đã được dùng');
    expect(msg(14)).toContain('Không tìm thấy đơn vị "KHONG-CO"');

    await expectNothingWritten(s.deps, async () => {
      const r = await upload(itA, body, 'text/csv', '0');
      expect(r.status).toBe(422);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors).toEqual(dry.body.errors);
      expect(r.body.detail).toContain('11 lỗi');
    });

    const en = await fetch(`${s.url}/api/v1/assets/import?dryRun=1&lang=en`, {
      method: 'POST',
      headers: { authorization: `Bearer ${itA.token}`, 'content-type': 'text/csv' },
      body,
    });
    const enBody = (await en.json()) as any;
    expect(enBody.errors[0]).toMatchObject({ line: 2, column: 'Loại' });
    expect(enBody.errors[0].message).toContain('is not known');
  });

  it('refuses units the caller may not write (out of scope) and hides those they cannot read', async () => {
    const district = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Láng' });
    const { client: headA } = await createUser(s.admin, [
      { role: 'it_staff', unitCode: wardA.code },
      { role: 'viewer', unitCode: wardB.code },
    ]);
    const body = csv([
      ['Đơn vị (mã)', 'Loại', 'Tên thiết bị'],
      [wardA.code, 'pc', 'PC quầy 1'],
      [wardB.code, 'pc', 'PC quầy 2'],
      [district.code, 'pc', 'PC quầy 3'],
    ]);
    const r = await upload(headA, body, 'text/csv', '1');
    expect(r.body.errors).toHaveLength(2);
    expect(r.body.errors[0]).toMatchObject({ line: 3, column: 'Đơn vị (mã)' });
    expect(r.body.errors[0].message).toContain('không có quyền');
    expect(r.body.errors[1]).toMatchObject({ line: 4, column: 'Đơn vị (mã)' });
    expect(r.body.errors[1].message).toContain('Không tìm thấy đơn vị');
  });

  it('names missing and unknown columns on line 1, and a file without data', async () => {
    const r = await upload(
      itA,
      csv([
        ['Loại', 'Tên', 'Tên thiết bị'],
        ['pc', 'x', 'y'],
      ]),
      'text/csv',
      '1',
    );
    expect(r.status).toBe(200);
    expect(r.body.errors.map((e: { line: number; column: string }) => [e.line, e.column])).toEqual([
      [1, 'Tên'],
      [1, 'Đơn vị (mã)'],
    ]);
    const empty = await upload(itA, csv([HEADERS]), 'text/csv', '0');
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].line).toBe(2);
    const latin1 = new Uint8Array([...Buffer.from('Loại,Tên thiết bị\n', 'latin1')]);
    const bad = await upload(itA, latin1, 'text/csv', '1');
    expect(bad.body.errors[0].message).toContain('UTF-8');
    const quote = await upload(
      itA,
      'Đơn vị (mã),Loại,Tên thiết bị\nHN,pc,ok\nHN,pc,"không đóng\n',
      'text/csv',
      '1',
    );
    expect(quote.body.errors).toMatchObject([{ line: 3, column: '' }]);
    expect(quote.body.errors[0].message).toContain('ngoặc kép');
    const notXlsx = await upload(itA, new Uint8Array([1, 2, 3, 4, 5]), XLSX, '1');
    expect(notXlsx.status).toBe(200);
    expect(notXlsx.body.errors[0].message).toContain('Không đọc được tệp Excel');
  });

  it('checks who and what before reading the body: 403, 400, 415, 413', async () => {
    // A viewer's 11 MiB upload is refused for who they are, not for its size.
    const big = 'x'.repeat(11 * 1024 * 1024);
    const v = await upload(viewerA, big, 'text/csv', '1');
    expect(v.status).toBe(403);
    expect(v.headers.get('content-type')).toContain('application/problem+json');
    expect((await upload(itA, 'a', 'text/csv', undefined)).status).toBe(400);
    expect((await upload(itA, 'a', 'text/csv', 'maybe')).status).toBe(400);
    const json = await upload(itA, '{}', 'application/json', '1');
    expect(json.status).toBe(415);
    expect(json.body.detail).toContain('CSV');
    expect((await upload(itA, big, 'text/csv', '1')).status).toBe(413);
    const many = csv([
      ['Đơn vị (mã)', 'Loại', 'Tên thiết bị'],
      ...Array.from({ length: 20_001 }, () => ['X', 'pc', 'y']),
    ]);
    const tooMany = await upload(itA, many, 'text/csv', '1');
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.detail).toContain('20.000');
  });
});

// ---- template and exports -----------------------------------------------------------------------

describe('template and exports', () => {
  it('downloads the template (CSV and XLSX with a guide sheet) that imports as it is', async () => {
    const c = await download(itA, '/api/v1/assets/import-template?format=csv');
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toContain('text/csv');
    expect([...c.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csvRows(c.bytes);
    expect(rows[0]).toEqual(HEADERS);
    expect(rows[1]![1]).toBe(wardA.code);
    const x = await download(itA, '/api/v1/assets/import-template?format=xlsx');
    expect(x.status).toBe(200);
    expect(x.headers.get('content-disposition')).toBe('attachment; filename="mau-so-thiet-bi.xlsx"');
    const wb = await sheetsOf(x.bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Sổ thiết bị', 'Hướng dẫn']);
    const [head, example] = rowsOf(wb.worksheets[0]!);
    expect(head).toEqual(HEADERS);
    expect(example![7]).toBeInstanceOf(Date);
    expect(wb.worksheets[0]!.getRow(1).font?.bold).toBe(true);
    expect(wb.worksheets[0]!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(wb.worksheets[0]!.getCell('I2').numFmt).toBe('#,##0');
    const guide = rowsOf(wb.worksheets[1]!).map((r) => r.join('|'));
    expect(guide).toContain('Loại|Máy quét|scanner|Ghi tên hoặc mã trong cột "Loại".');
    expect(guide.some((g) => g.startsWith('Trạng thái|Thanh lý|retired'))).toBe(true);
    // The template as downloaded is a valid file (its example row passes).
    const dry = await upload(itA, x.bytes, XLSX, '1');
    expect(dry.body).toEqual({ rows: 1, created: 0, errors: [] });
  });

  it('imports 2 000 rows in one write, then exports every page and re-imports the export', async () => {
    const unit = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Kim Liên' });
    const kinds = ['Máy tính', 'scanner', 'Máy in', 'photocopier', 'Máy lấy số thứ tự', 'rating_device'];
    const lines: (string | number)[][] = [HEADERS];
    for (let i = 0; i < 2000; i++)
      lines.push(
        row({
          'Mã tài sản': i % 2 === 0 ? `KL-${String(i).padStart(5, '0')}` : '',
          'Đơn vị (mã)': unit.code,
          Loại: kinds[i % kinds.length]!,
          'Tên thiết bị': `Thiết bị số ${i + 1}`,
          'Số sê-ri': `SN${i}`,
          'Ngày mua': '01/03/2024',
          'Giá (VND)': '12.500.000',
          'Bảo hành đến': '2027-03-01',
          'Nhà cung cấp': i % 3 === 0 ? SUPPLIER : '',
        }),
      );
    const body = csv(lines, { bom: true });
    let t = performance.now();
    const dry = await upload(s.admin, body, 'text/csv', '1');
    const dryMs = performance.now() - t;
    expect(dry.body).toEqual({ rows: 2000, created: 0, errors: [] });
    t = performance.now();
    const done = await upload(s.admin, body, 'text/csv', '0');
    const commitMs = performance.now() - t;
    expect(done.body).toEqual({ rows: 2000, created: 2000, errors: [] });
    console.log(`2 000-row CSV import: dry run ${dryMs.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms`);
    const n = await s.deps.store.read.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM assets a JOIN units u ON u.id = a.unit_id WHERE u.code = ${unit.code}`,
    );
    expect(Number(n[0]!.n)).toBe(2000);

    // Every page, not the first 50: the export holds all 2 000, in the template's columns.
    const x = await download(s.admin, `/api/v1/assets/export?format=xlsx&unit=${unit.code}`);
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toBe(XLSX);
    expect(x.headers.get('content-disposition')).toBe(
      `attachment; filename="so-thiet-bi-${unit.code}-2026-03-02.xlsx"`,
    );
    const ws = (await sheetsOf(x.bytes)).worksheets[0]!;
    const exported = rowsOf(ws);
    expect(exported[0]).toEqual(HEADERS);
    expect(exported).toHaveLength(2001);
    const first = exported.find((r) => r[0] === 'KL-00000')!;
    expect(first.slice(1, 4)).toEqual([unit.code, 'Máy tính', 'Thiết bị số 1']);
    expect(first[7]).toEqual(new Date(Date.UTC(2024, 2, 1)));
    expect(first[8]).toBe(12_500_000);
    expect(first[11]).toBe(SUPPLIER);
    expect(first[12]).toBe('Đang dùng');

    const c = await download(s.admin, `/api/v1/assets/export?format=csv&unit=${unit.code}&kind=scanner`);
    expect(c.headers.get('content-disposition')).toMatch(/filename="so-thiet-bi-.+-2026-03-02\.csv"/);
    const scanners = csvRows(c.bytes);
    expect(scanners).toHaveLength(1 + 334); // every 6th line from the 2nd is a scanner
    expect(new Set(scanners.slice(1).map((r) => r[2]))).toEqual(new Set(['Máy quét']));

    // Re-import: the XLSX export with its tags cleared, into another unit, passes as it is.
    const other = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Văn Miếu' });
    for (let i = 2; i <= ws.rowCount; i++) {
      ws.getCell(i, 1).value = null;
      ws.getCell(i, 2).value = other.code;
    }
    const again = new Uint8Array(await ws.workbook.xlsx.writeBuffer());
    const re = await upload(s.admin, again, XLSX, '1');
    expect(re.body).toEqual({ rows: 2000, created: 0, errors: [] });
    // …and the CSV export as it is reports its own tags as taken, line by line.
    const reCsv = await upload(s.admin, c.bytes, 'text/csv', '1');
    expect(reCsv.body.errors).toHaveLength(334);
    expect(new Set(reCsv.body.errors.map((e: { column: string }) => e.column))).toEqual(
      new Set(['Mã tài sản']),
    );
  });

  it('exports only what the caller may read', async () => {
    const mine = await s.admin.post('/api/v1/assets', {
      unitCode: wardA.code,
      kind: 'display',
      name: 'Màn hình A',
    });
    const theirs = await s.admin.post('/api/v1/assets', {
      unitCode: wardB.code,
      kind: 'display',
      name: 'Màn hình B',
    });
    const c = await download(viewerA, '/api/v1/assets/export?format=csv&kind=display');
    const tags = csvRows(c.bytes).map((r) => r[0]);
    expect(tags).toContain(mine.body.assetTag);
    expect(tags).not.toContain(theirs.body.assetTag);
    expect(c.headers.get('content-disposition')).toContain(`so-thiet-bi-${wardA.code}-`);
    expect((await download(viewerA, `/api/v1/assets/export?unit=${wardB.code}`)).status).toBe(404);
    // Text Excel would run as a formula is exported with a leading ' and imported without it.
    const formula = await s.admin.post('/api/v1/assets', {
      unitCode: wardA.code,
      kind: 'other',
      name: '=1+1',
    });
    const f = await download(s.admin, `/api/v1/assets/export?format=csv&unit=${wardA.code}&kind=other`);
    const line = csvRows(f.bytes).find((r) => r[0] === formula.body.assetTag)!;
    expect(line[3]).toBe("'=1+1");
    const re = await upload(s.admin, csv([HEADERS.slice(1), line.slice(1)]), 'text/csv', '0');
    expect(re.body.created).toBe(1);
    expect((await assetsOfUnit(wardA.code)).filter((a) => a.name === '=1+1')).toHaveLength(2);
  });

  it('exports the compliance figures: a row per counter unit and requirement, and a summary', async () => {
    const x = await download(s.admin, `/api/v1/compliance/export?format=xlsx&unit=${wardA.code}`);
    expect(x.status).toBe(200);
    expect(x.headers.get('content-disposition')).toBe(
      `attachment; filename="tuan-thu-thiet-bi-${wardA.code}-2026-03-02.xlsx"`,
    );
    const wb = await sheetsOf(x.bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Chi tiết', 'Tổng hợp']);
    const detail = rowsOf(wb.worksheets[0]!);
    expect(detail[0]).toEqual(['Mã đơn vị', 'Tên đơn vị', 'Yêu cầu', 'Có', 'Cần', 'Kết quả']);
    const figures = (await s.admin.get(`/api/v1/compliance?unit=${wardA.code}`)).body;
    expect(detail).toHaveLength(1 + figures.requirements.length);
    for (const r of figures.checklist) {
      const title = figures.requirements.find((q: { id: string }) => q.id === r.id).title.vi;
      const line = detail.find((d) => d[2] === title)!;
      expect(line[0]).toBe(wardA.code);
      expect(line[5]).toBe(r.met ? 'Đạt' : r.reason === 'missing_data' ? 'Thiếu số liệu' : 'Chưa đạt');
      expect(line[3] ?? null).toBe(r.have);
    }
    const summary = rowsOf(wb.worksheets[1]!);
    expect(summary[0]![0]).toBe('Yêu cầu');
    expect(summary.find((r) => r[0] === 'Đạt mọi yêu cầu')).toBeTruthy();

    const city = await download(s.admin, '/api/v1/compliance/export?format=csv');
    expect(city.status).toBe(200);
    const rows = csvRows(city.bytes);
    const all = (await s.admin.get('/api/v1/compliance')).body;
    expect(rows).toHaveLength(1 + all.units * all.requirements.length);
  });
});

// ---- without the codec (as on Workers) ------------------------------------------------------------

describe('without an XLSX codec', () => {
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    const app = createApp({ ...s.deps, xlsx: undefined, metrics: new Metrics() });
    server = await new Promise<ServerType>((resolve) => {
      const srv = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv));
    });
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('answers XLSX with 415 in Vietnamese, saying to send CSV, and still takes CSV', async () => {
    const file = await xlsx([HEADERS, row({ 'Đơn vị (mã)': wardA.code, Loại: 'pc', 'Tên thiết bị': 'PC' })]);
    const r = await upload(itA, file, XLSX, '1', base);
    expect(r.status).toBe(415);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.detail).toContain('hãy gửi tệp CSV');
    const e = await download(itA, '/api/v1/assets/export?format=xlsx', base);
    expect(e.status).toBe(415);
    expect((await download(itA, '/api/v1/compliance/export?format=xlsx', base)).status).toBe(415);
    const ok = await upload(
      itA,
      csv([HEADERS, row({ 'Đơn vị (mã)': wardA.code, Loại: 'pc', 'Tên thiết bị': 'PC' })]),
      'text/csv',
      '1',
      base,
    );
    expect(ok.body).toEqual({ rows: 1, created: 0, errors: [] });
    expect((await download(itA, '/api/v1/assets/export?format=csv', base)).status).toBe(200);
  });
});
