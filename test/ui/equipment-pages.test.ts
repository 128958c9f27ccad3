/**
 * The equipment pages over HTTP (no browser): the register with its filters and links, an asset's
 * page (warranty, timeline, repairs), the add/edit form's field errors, suppliers, the standard's form
 * editor, compliance with a unit's checklist, printable QR labels (the matrix drawn equals the
 * encoder's), and the scan-to-report form `/r/:tag` — with the API's scope (404 for another ward,
 * 403 for a role that may only read), escaping of a hostile asset name, and the CSRF check.
 */
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrMatrix } from '../../server/ui/components/qr.js';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { textOf, UiClient } from './helpers/ui-client.js';

let s: TestServer;
let it1: UiClient;
let head: UiClient;
let otherHead: UiClient;
let viewer: UiClient;
let admin: UiClient;
let anon: UiClient;
const W1 = 'TEQW1';
const W2 = 'TEQW2';
const HOSTILE = '<script>alert("tài sản")</script> & "Máy photocopy"';
let copier: { id: string; assetTag: string };
let scanner: { id: string; assetTag: string };
let supplierId: string;

async function ui(username: string, password = TEST_PASSWORD) {
  const c = new UiClient(s.url);
  await c.signIn(username, password);
  return c;
}

const decode = (href: string) => href.replace(/&amp;/g, '&');

beforeAll(async () => {
  s = await startTestServer();
  await createUnit(s.admin, {
    code: W1,
    name: 'Phường Thử Nghiệm Một',
    level: 'commune',
    parentCode: 'HN',
    areaM2: 45,
    officers: 1,
    digitizingOfficers: 1,
  });
  await createUnit(s.admin, { code: W2, name: 'Phường Thử Nghiệm Hai', level: 'commune', parentCode: 'HN' });
  const mk = async (role: string, unitCode: string) => {
    const { user } = await createUser(s.admin, [{ role, unitCode }]);
    return user.username;
  };
  const [u1, u2, u3, u4] = await Promise.all([
    mk('it_staff', 'HN'),
    mk('unit_head', W1),
    mk('unit_head', W2),
    mk('viewer', 'HN'),
  ]);
  const sup = await s.admin.post('/api/v1/suppliers', {
    name: 'Công ty TNHH Thiết bị Hà Thành',
    phone: '024 3825 1234',
    email: 'baohanh@hathanh.vn',
  });
  expect(sup.status).toBe(201);
  supplierId = sup.body.id;
  const a = await s.admin.post('/api/v1/assets', {
    unitCode: W1,
    kind: 'photocopier',
    name: HOSTILE,
    manufacturer: 'Canon',
    model: 'iR 2625',
    priceVnd: 25_500_000,
    warrantyUntil: '2099-12-31',
    supplierId,
  });
  expect(a.status).toBe(201);
  copier = a.body;
  const b = await s.admin.post('/api/v1/assets', {
    unitCode: W2,
    kind: 'scanner',
    name: 'Máy quét Fujitsu fi-7160',
  });
  expect(b.status).toBe(201);
  scanner = b.body;
  [it1, head, otherHead, viewer, admin] = await Promise.all([
    ui(u1!),
    ui(u2!),
    ui(u3!),
    ui(u4!),
    ui('admin', ADMIN_PASSWORD),
  ]);
  anon = new UiClient(s.url);
}, 120_000);
afterAll(async () => s?.stop());

describe('the register', () => {
  it('lists equipment with Vietnamese labels, escapes a hostile name, and links export, labels and import', async () => {
    const r = await it1.get('/equipment');
    expect(r.status).toBe(200);
    const text = textOf(r.html);
    expect(text).toContain(copier.assetTag);
    expect(text).toContain('Máy photocopy');
    expect(text).toContain('Đang dùng');
    expect(text).toContain('Phường Thử Nghiệm Một');
    expect(text).toMatch(/còn đến 31\/12\/2099/);
    expect(r.html).not.toContain('<script>alert');
    expect(text).toContain(HOSTILE);
    expect(r.html).not.toMatch(/>photocopier</);
    expect(r.html).toContain('href="/equipment/new"');
    expect(r.html).toContain('href="/equipment/import"');
    expect(r.html).toContain('href="/api/v1/assets/export?format=csv"');
    expect(r.html).toContain('href="/equipment/labels"');
    // The nav has the register; the unit filter is a list of names, not a typed code.
    expect(r.html).toContain('<a href="/equipment" aria-current="page">Sổ thiết bị</a>');
    expect(r.html).toMatch(/<select id="f-unit" name="unit"[^>]*>[\s\S]*Phường Thử Nghiệm Hai/);
  });

  it('filters keep their values in the export and label links', async () => {
    const r = await it1.get(`/equipment?unit=${W2}&kind=scanner`);
    const text = textOf(r.html);
    expect(text).toContain(scanner.assetTag);
    expect(text).not.toContain(copier.assetTag);
    const csv = /href="(\/api\/v1\/assets\/export\?[^"]+)"/.exec(r.html)![1]!;
    expect(new URLSearchParams(decode(csv).split('?')[1]).get('unit')).toBe(W2);
    expect(decode(r.html)).toContain(`href="/equipment/labels?unit=${W2}&kind=scanner"`);
  });

  it('a unit head sees their own ward only and cannot add equipment', async () => {
    const r = await head.get('/equipment');
    expect(r.status).toBe(200);
    expect(textOf(r.html)).toContain(copier.assetTag);
    expect(textOf(r.html)).not.toContain(scanner.assetTag);
    expect(r.html).not.toContain('href="/equipment/new"');
    expect((await head.get('/equipment/new')).status).toBe(403);
    expect((await head.get(`/equipment?unit=${W2}`)).status).toBe(404);
  });

  it('signed out, the register asks to sign in and comes back', async () => {
    const r = await anon.get('/equipment?kind=scanner');
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/login?next=${encodeURIComponent('/equipment?kind=scanner')}`);
  });
});

describe('an asset', () => {
  it('shows details, the warranty with the supplier to call, and the timeline', async () => {
    const r = await head.get(`/equipment/${copier.id}`);
    expect(r.status).toBe(200);
    const text = textOf(r.html);
    expect(text).toContain(
      'Còn bảo hành đến 31/12/2099 — liên hệ Công ty TNHH Thiết bị Hà Thành, ĐT 024 3825 1234',
    );
    expect(text).toContain('25.500.000');
    expect(text).toContain('Đưa vào sổ: Đang dùng');
    expect(r.html).not.toContain('<script>alert');
    expect(r.html).toContain(`href="/r/${copier.assetTag}"`);
    expect(r.html).toContain(`href="/equipment/labels?asset=${copier.id}"`);
    // A unit head reports but does not edit.
    expect(r.html).not.toContain(`/equipment/${copier.id}/edit`);
    expect((await head.get(`/equipment/${copier.id}/edit`)).status).toBe(403);
  });

  it('is a 404 for another ward’s head and for an unknown id', async () => {
    expect((await otherHead.get(`/equipment/${copier.id}`)).status).toBe(404);
    expect((await it1.get('/equipment/khong-co')).status).toBe(404);
  });
});

describe('the add and edit forms', () => {
  it('keeps what was typed and puts the errors next to their fields', async () => {
    await it1.get('/equipment/new');
    const r = await it1.post('/equipment/new', {
      unitCode: W1,
      kind: 'printer',
      name: '',
      priceVnd: 'hai triệu rưỡi',
      purchasedOn: '2026-02-30',
      status: 'in_use',
      serial: 'SN-GIỮ-LẠI',
    });
    expect(r.status).toBe(422);
    expect(r.html).toContain('id="f-name-error"');
    expect(textOf(r.html)).toContain('Hãy nhập số tiền, ví dụ 25.500.000 hoặc 25,5 triệu.');
    expect(textOf(r.html)).toContain('Hãy chọn ngày theo dạng ngày/tháng/năm.');
    expect(r.html).toContain('value="SN-GIỮ-LẠI"');
    expect(r.html).toContain('value="hai triệu rưỡi"');
  });

  it('a warranty before the purchase is refused on the warranty field, in Vietnamese', async () => {
    await it1.get('/equipment/new');
    const r = await it1.post('/equipment/new', {
      unitCode: W1,
      kind: 'printer',
      name: 'Máy in HP quầy 2',
      purchasedOn: '2026-02-10',
      warrantyUntil: '2025-02-10',
      status: 'in_use',
    });
    expect(r.status).toBe(422);
    const err = /id="f-warrantyUntil-error">([^<]+)</.exec(r.html)?.[1];
    expect(err).toBe('Ngày hết bảo hành không được trước ngày mua.');
  });

  it('adds an asset with a price typed as people type it, then asks for a note on a status change', async () => {
    await it1.get('/equipment/new');
    const r = await it1.post('/equipment/new', {
      unitCode: W1,
      kind: 'printer',
      name: 'Máy in Canon LBP quầy 3',
      priceVnd: '4,5 triệu',
      status: 'in_use',
      supplierId,
    });
    expect(r.status).toBe(303);
    const id = /^\/equipment\/([^/?]+)\?done=created$/.exec(r.location!)?.[1];
    expect(id).toBeTruthy();
    const page = await it1.get(r.location!);
    expect(textOf(page.html)).toContain('Đã thêm thiết bị vào sổ.');
    expect(textOf(page.html)).toContain('4.500.000');
    const edit = await it1.get(`/equipment/${id}/edit`);
    expect(edit.status).toBe(200);
    const fields = {
      unitCode: W1,
      kind: 'printer',
      name: 'Máy in Canon LBP quầy 3',
      assetTag: /name="assetTag" value="([^"]+)"/.exec(edit.html)![1]!,
      priceVnd: '4.500.000',
      status: 'under_repair',
    };
    const noNote = await it1.post(`/equipment/${id}/edit`, fields);
    expect(noNote.status).toBe(422);
    expect(noNote.html).toContain('id="f-statusNote-error"');
    const ok = await it1.post(`/equipment/${id}/edit`, { ...fields, statusNote: 'Kẹt giấy, gửi hãng sửa' });
    expect(ok.status).toBe(303);
    const after = textOf((await it1.get(`/equipment/${id}`)).html);
    expect(after).toContain('Đang dùng → Đang sửa chữa');
    expect(after).toContain('Kẹt giấy, gửi hãng sửa');
    expect((await s.admin.get(`/api/v1/assets/${id}`)).body.priceVnd).toBe(4_500_000);
  });
});

describe('suppliers', () => {
  it('lists them, refuses a bad e-mail on its field, adds one', async () => {
    const list = await it1.get('/equipment/suppliers');
    expect(textOf(list.html)).toContain('Công ty TNHH Thiết bị Hà Thành');
    const bad = await it1.post('/equipment/suppliers', {
      name: 'Công ty Cổ phần Tin học Sao Mai',
      email: 'khong-phai-email',
    });
    expect(bad.status).toBe(422);
    expect(/id="f-email-error">([^<]+)</.exec(bad.html)?.[1]).toContain('Địa chỉ thư điện tử chưa đúng');
    const ok = await it1.post('/equipment/suppliers', {
      name: 'Công ty Cổ phần Tin học Sao Mai',
      phone: '0912 345 678',
      taxCode: '0101234567',
    });
    expect(ok.status).toBe(303);
    expect(textOf((await it1.get(ok.location!)).html)).toContain('Đã thêm nhà cung cấp.');
    // A viewer reads the list without the form.
    const v = await viewer.get('/equipment/suppliers');
    expect(v.status).toBe(200);
    expect(v.html).not.toContain('action="/equipment/suppliers"');
  });
});

describe('QR labels', () => {
  it('draw one QR per asset encoding <origin>/r/<tag>, with the tag, name and unit, on A4 sheets', async () => {
    const r = await it1.get(`/equipment/labels?unit=${W1}`);
    expect(r.status).toBe(200);
    const labels = [...r.html.matchAll(/<div class="qr-label" data-tag="([^"]+)">/g)].map((m) => m[1]);
    expect(labels).toContain(copier.assetTag);
    const svgs = [...r.html.matchAll(/<svg[^>]*class="qr"[^>]*data-qr="([^"]+)"/g)].map((m) => m[1]);
    expect(svgs.length).toBe(labels.length);
    expect(svgs).toContain(`${s.url}/r/${copier.assetTag}`);
    expect(textOf(r.html)).toContain('Phường Thử Nghiệm Một');
    expect(r.html).not.toContain('<script>alert');
    expect(r.html).not.toContain(scanner.assetTag);
    // The stylesheet with @page A4 is linked and served.
    const css = /<link rel="stylesheet" href="(\/assets\/equipment\.[0-9a-f]+\.css)"/.exec(r.html)![1]!;
    const sheet = await fetch(s.url + css);
    expect(sheet.status).toBe(200);
    expect(await sheet.text()).toContain('@page { size: A4');
  });

  it('the drawn matrix is the encoder’s (the same modules as the qrcode package’s full build)', () => {
    const text = `${'https://motcua.hanoi.gov.vn'}/r/PT-7K2M9Q`;
    const mine = qrMatrix(text);
    const ref = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
    expect(mine.size).toBe(ref.size);
    expect(Array.from(mine.data)).toEqual(Array.from(ref.data));
  });
});

describe('the scan-to-report form', () => {
  it('signed out goes to sign-in and back to the form', async () => {
    const r = await anon.get(`/r/${copier.assetTag}`);
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/login?next=${encodeURIComponent(`/r/${copier.assetTag}`)}`);
  });

  it('an unknown label, or one from another ward, is a friendly 404', async () => {
    const r = await head.get('/r/KHONG-CO-NHAN');
    expect(r.status).toBe(404);
    expect(textOf(r.html)).toContain('Không có thiết bị mang mã nhãn “KHONG-CO-NHAN”');
    const other = await otherHead.get(`/r/${copier.assetTag}`);
    expect(other.status).toBe(404);
    expect(textOf(other.html)).toContain('Không tìm thấy thiết bị');
  });

  it('a viewer may see the equipment but not report it', async () => {
    const r = await viewer.get(`/r/${copier.assetTag}`);
    expect(r.status).toBe(403);
    expect(textOf(r.html)).toContain('không báo hỏng được');
    expect(r.html).not.toContain('name="description"');
  });

  it('refuses a post without the form’s token', async () => {
    await head.get(`/r/${copier.assetTag}`);
    const r = await head.post(`/r/${copier.assetTag}`, { _csrf: null, description: 'x' });
    expect(r.status).toBe(403);
  });

  it('reports a fault, shows the ticket number, and a second report points at that ticket', async () => {
    const form = await head.get(`/r/${copier.assetTag}`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="description"');
    expect(textOf(form.html)).toContain('Không dùng được — quầy phải ngừng việc');
    const empty = await head.post(`/r/${copier.assetTag}`, { description: '', severity: 'critical' });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('id="f-description-error"');
    const r = await head.post(`/r/${copier.assetTag}`, {
      description: 'Kẹt giấy liên tục',
      severity: 'critical',
    });
    expect(r.status).toBe(303);
    const done = await head.get(r.location!);
    const m = /Đã tạo phiếu số (\d+)/.exec(textOf(done.html));
    expect(m).toBeTruthy();
    const asset = (await s.admin.get(`/api/v1/assets/${copier.id}`)).body;
    expect(asset.status).toBe('broken');
    expect(asset.tickets[0].number).toBe(Number(m![1]));
    // Another officer scans the same label: no second ticket, a link to the first.
    const again = await it1.get(`/r/${copier.assetTag}`);
    expect(textOf(again.html)).toContain(`Thiết bị này đã có phiếu số ${m![1]} đang xử lý`);
    expect(again.html).toContain(`href="/tickets/${asset.tickets[0].id}"`);
    const post = await it1.post(`/r/${copier.assetTag}`, { description: 'Lại kẹt giấy', severity: 'major' });
    expect(post.status).toBe(409);
    expect(textOf(post.html)).toContain(`Thiết bị này đã có phiếu số ${m![1]} đang xử lý`);
    // The asset page: broken, the ticket in its repair history; in English too.
    const page = await head.get(`/equipment/${copier.id}`);
    expect(page.html).toMatch(/data-testid="asset-status"><span class="badge badge-danger"[^>]*>Hỏng</);
    expect(page.html).toContain(`href="/tickets/${asset.tickets[0].id}"`);
    const en = new UiClient(s.url, { 'accept-language': 'en' });
    await en.signIn('admin', ADMIN_PASSWORD);
    expect(textOf((await en.get(`/equipment/${copier.id}`)).html)).toContain('Broken');
  });
});

describe('compliance', () => {
  it('counts per requirement in the survey’s words, lists the failing units and drills into one', async () => {
    const r = await it1.get('/compliance');
    expect(r.status).toBe(200);
    const text = textOf(r.html);
    const card = (id: string) =>
      textOf(r.html.slice(r.html.indexOf(`data-requirement="${id}"`)).split('</article>')[0]!);
    // W2 has no photocopier; W1's is broken now: neither counts.
    expect(card('photocopier')).toMatch(/0\/2 đơn vị đạt/);
    expect(card('photocopier')).toContain('2/2 đơn vị chưa có máy photocopy');
    expect(card('scanner_per_digitizing_officer')).toContain('chưa đủ máy quét (1 cho mỗi cán bộ số hóa)');
    expect(text).toContain('Phường Thử Nghiệm Hai');
    expect(decode(r.html)).toContain(`href="/compliance?unit=${W2}"`);
    expect(text).toContain('Thiết bị đang hỏng');
    expect(decode(r.html)).toContain(`/api/v1/compliance/export?format=xlsx&unit=HN`);
    const one = await it1.get(`/compliance?unit=${W2}`);
    expect(one.status).toBe(200);
    const rows = textOf(one.html.slice(one.html.indexOf('id="checklist"')));
    expect(rows).toContain('Có máy photocopy');
    expect(rows).toContain('Chưa đạt');
    expect(rows).toContain('Thiếu số liệu');
    // Another ward's head cannot drill into it.
    expect((await head.get(`/compliance?unit=${W2}`)).status).toBe(404);
  });

  it('shows the figures at a past date', async () => {
    const r = await it1.get('/compliance?at=2020-01-01');
    expect(r.status).toBe(200);
    expect(textOf(r.html)).toContain('Số liệu tại 01/01/2020');
  });
});

describe('the equipment standard', () => {
  it('shows the standard in force to everyone, the editor to the root administrator only', async () => {
    const r = await head.get('/equipment/standard');
    expect(r.status).toBe(200);
    expect(textOf(r.html)).toContain('Ít nhất 1 máy photocopy đang dùng');
    expect(r.html).not.toContain('href="/equipment/standard/edit"');
    expect((await it1.get('/equipment/standard/edit')).status).toBe(403);
  });

  it('saves a changed threshold as a new version; a bad threshold is named in Vietnamese', async () => {
    const form = await admin.get('/equipment/standard/edit');
    expect(form.status).toBe(200);
    const values: Record<string, string> = {};
    for (const m of form.html.matchAll(
      /<input type="(?:text|hidden|date)" id="[^"]*" name="([^"]+)" value="([^"]*)"/g,
    ))
      values[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    for (const m of form.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
      values[m[1]!] = m[2]!;
    for (const m of form.html.matchAll(/<select id="[^"]*" name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
      const sel = /<option value="([^"]*)" selected/.exec(m[2]!);
      values[m[1]!] = sel ? sel[1]! : /<option value="([^"]*)"/.exec(m[2]!)![1]!;
    }
    const row = Object.entries(values)
      .find(([k, v]) => /^r\d+\.id$/.test(k) && v === 'photocopier')![0]
      .split('.')[0]!;
    const bad = await admin.post('/equipment/standard/edit', {
      ...values,
      [`${row}.threshold`]: 'hai',
      op: 'save',
    });
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toMatch(/Yêu cầu \d+ — Ngưỡng: Hãy nhập một số/);
    const ok = await admin.post('/equipment/standard/edit', {
      ...values,
      [`${row}.threshold`]: '2',
      op: 'save',
    });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/equipment/standard?saved=2');
    const page = textOf((await admin.get(ok.location!)).html);
    expect(page).toContain('Đã ban hành tiêu chuẩn phiên bản 2.');
    expect(page).toContain('Ít nhất 2 máy photocopy đang dùng');
    const api = await s.admin.get('/api/v1/equipment-standard');
    expect(api.body.requirements.find((x: { id: string }) => x.id === 'photocopier').min).toBe(2);
  });
});
