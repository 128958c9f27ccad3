/**
 * The work pages over HTTP, without a browser: the queue (scope, filters, urgency order, pagination),
 * the ticket page and its forms (VND input, 409/422 on the page, CSRF), the approvals inbox
 * (separation of duties, reject needs a reason, deputies), delegations and notifications — each
 * checked against the JSON API, which must agree with what the pages did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { textOf, UiClient } from './helpers/ui-client.js';

let s: TestServer;
type Person = { id: string; username: string; api: ApiClient; ui: UiClient };
let it1: Person;
let head: Person;
let otherHead: Person;
let deputy: Person;
let dual: Person;

async function person(roles: { role: string; unitCode: string }[], displayName: string): Promise<Person> {
  const { user, client } = await createUser(s.admin, roles, { displayName });
  const ui = new UiClient(s.url);
  await ui.signIn(user.username, TEST_PASSWORD);
  return { id: user.id, username: user.username, api: client, ui };
}

const ticketIdOf = (location: string | null) => /^\/tickets\/([^/?#]+)$/.exec(location ?? '')?.[1] ?? '';

beforeAll(async () => {
  s = await startTestServer();
  await createUnit(s.admin, { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' });
  await createUnit(s.admin, { code: '00008', name: 'Phường Ngọc Hà', level: 'commune', parentCode: 'HN' });
  it1 = await person([{ role: 'it_staff', unitCode: 'HN' }], 'Trần Văn Minh');
  head = await person([{ role: 'unit_head', unitCode: '00004' }], 'Nguyễn Thị Hương');
  otherHead = await person([{ role: 'unit_head', unitCode: '00008' }], 'Phạm Quốc Bảo');
  deputy = await person([{ role: 'viewer', unitCode: '00004' }], 'Vũ Thị Lan');
  dual = await person(
    [
      { role: 'it_staff', unitCode: 'HN' },
      { role: 'unit_head', unitCode: '00004' },
    ],
    'Hoàng Văn Nam',
  );
});
afterAll(async () => s?.stop());

async function newTicket(ui: UiClient, title: string, unitCode = '00004', severity = 'major') {
  await ui.get('/tickets/new');
  const r = await ui.post('/tickets', {
    unitCode,
    category: 'hardware',
    severity,
    title,
    description: 'Mô tả',
  });
  expect(r.status, r.html.slice(0, 300)).toBe(303);
  const id = ticketIdOf(r.location);
  expect(id).not.toBe('');
  return id;
}

async function act(ui: UiClient, id: string, fields: Record<string, string>) {
  await ui.get(`/tickets/${id}`);
  return ui.post(`/tickets/${id}/actions`, fields);
}

describe('the ticket page and its forms', () => {
  it('IT staff open, take, start and estimate a ticket; the API agrees at every step', async () => {
    const evil = '<script>alert(1)</script> Máy quét "A4"';
    const id = await newTicket(it1.ui, evil);
    const page = await it1.ui.get(`/tickets/${id}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('<script>alert(1)');
    expect(textOf(page.html)).toContain(evil);
    expect(textOf(page.html)).toContain('Vì sao phiếu đến hàng đợi này');
    expect(textOf(page.html)).toContain('Quy tắc «commune-major-b0»');

    let r = await act(it1.ui, id, { action: 'acknowledge' });
    expect(r.status).toBe(303);
    expect(textOf((await it1.ui.get(r.location!)).html)).toContain('Đã tiếp nhận phiếu.');
    r = await act(it1.ui, id, { action: 'assign' }); // "take": assigns the caller
    expect(r.status).toBe(303);
    r = await act(it1.ui, id, { action: 'start', note: 'Đang kiểm tra tại chỗ' });
    expect(r.status).toBe(303);
    let t = (await it1.api.get(`/api/v1/tickets/${id}`)).body;
    expect(t.status).toBe('in_progress');
    expect(t.assigneeId).toBe(it1.id);

    // Not an amount: the form says so, nothing is written.
    r = await act(it1.ui, id, { action: 'estimate', cost: 'khoảng vài triệu' });
    expect(r.status).toBe(422);
    expect(r.html).toContain('id="estimate-costEstimateVnd-error"');
    expect(textOf(r.html)).toContain('Hãy nhập số tiền, ví dụ 1.500.000 hoặc 1,5 triệu.');
    expect((await it1.api.get(`/api/v1/tickets/${id}`)).body.costEstimateVnd).toBeUndefined();

    r = await act(it1.ui, id, { action: 'estimate', cost: '8.500.000', note: 'Thay ổ cứng' });
    expect(r.status).toBe(303);
    t = (await it1.api.get(`/api/v1/tickets/${id}`)).body;
    expect(t.costEstimateVnd).toBe(8_500_000);
    expect(t.status).toBe('awaiting_approval');
    const after = textOf((await it1.ui.get(`/tickets/${id}`)).html);
    expect(after).toContain('8.500.000 ₫');
    expect(after).toContain('Bước 1/1');
    expect(after).toContain('Đang chờ');
    // The timeline shows every step, in order, with the cost.
    expect(after).toMatch(
      /Mở phiếu.*Tiếp nhận.*Giao việc.*Bắt đầu xử lý.*Đang kiểm tra tại chỗ.*Lập dự toán.*Dự toán: 8\.500\.000 ₫/,
    );
    expect(after).toContain('Chuỗi nhật ký toàn vẹn');

    // An action the status does not allow: a 409 on the page, in Vietnamese, nothing written.
    r = await act(it1.ui, id, { action: 'resolve' });
    expect(r.status).toBe(409);
    expect(textOf(r.html)).toContain('Không thể "resolve" khi phiếu đang ở trạng thái "chờ phê duyệt"');
    expect((await it1.api.get(`/api/v1/tickets/${id}`)).body.status).toBe('awaiting_approval');
  });

  it('accepts "2,5 triệu" as 2.500.000 đồng', async () => {
    const id = await newTicket(it1.ui, 'Máy in phiếu hẹn kẹt giấy');
    const r = await act(it1.ui, id, { action: 'estimate', cost: '2,5 triệu' });
    expect(r.status).toBe(303);
    expect((await it1.api.get(`/api/v1/tickets/${id}`)).body.costEstimateVnd).toBe(2_500_000);
  });

  it('offers only the actions the service would accept', async () => {
    const id = await newTicket(it1.ui, 'Màn hình quầy 3 bị sọc');
    const itPage = (await it1.ui.get(`/tickets/${id}`)).html;
    expect(itPage).toContain('name="action" value="acknowledge"');
    expect(itPage).not.toContain('name="action" value="resolve"');
    const headPage = (await head.ui.get(`/tickets/${id}`)).html;
    expect(headPage).not.toContain('name="action" value="acknowledge"');
    expect(headPage).toContain('value="comment"');
  });

  it('refuses a form post without the CSRF token, writing nothing', async () => {
    const id = await newTicket(it1.ui, 'Mất mạng quầy 2');
    await it1.ui.get(`/tickets/${id}`);
    const r = await it1.ui.post(`/tickets/${id}/actions`, { _csrf: null, action: 'acknowledge' });
    expect(r.status).toBe(403);
    expect((await it1.api.get(`/api/v1/tickets/${id}`)).body.status).toBe('open');
  });

  it("a unit head cannot open another unit's ticket by URL, nor act on it", async () => {
    const id = await newTicket(it1.ui, 'Máy tính quầy 1 không khởi động');
    expect((await head.ui.get(`/tickets/${id}`)).status).toBe(200);
    const r = await otherHead.ui.get(`/tickets/${id}`);
    expect(r.status).toBe(404);
    expect(r.html).not.toContain('Máy tính quầy 1 không khởi động');
    await otherHead.ui.get('/queue');
    const post = await otherHead.ui.post(`/tickets/${id}/actions`, { action: 'comment', note: 'x' });
    expect(post.status).toBe(404);
    expect((await otherHead.ui.get('/queue')).html).not.toContain('Máy tính quầy 1 không khởi động');
  });
});

describe('the queue', () => {
  it('lists open tickets by nearest deadline, 50 a page, each once, with the API’s scope', async () => {
    const ward = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Xã Sóc Sơn' });
    for (let i = 0; i < 57; i++) {
      const r = await it1.api.post('/api/v1/tickets', {
        unitCode: ward.code,
        category: i % 2 ? 'network' : 'peripheral',
        severity: ['critical', 'major', 'minor'][i % 3],
        title: `Sự cố thử ${i}`,
      });
      expect(r.status).toBe(201);
    }
    const seen: string[] = [];
    const deadlines: number[] = [];
    let path = `/queue?unit=${ward.code}`;
    for (;;) {
      const r = await it1.ui.get(path);
      expect(r.status).toBe(200);
      const rows = [...r.html.matchAll(/<a href="\/tickets\/([^"]+)">/g)].map((m) => m[1]!);
      seen.push(...rows);
      // Each row's next deadline, as the machine-readable <time datetime> of its countdown.
      deadlines.push(
        ...[...r.html.matchAll(/class="deadline"><time datetime="([^"]+)"/g)].map((m) => Date.parse(m[1]!)),
      );
      const next = /href="([^"]+)" rel="next"/.exec(r.html)?.[1];
      if (!next) break;
      path = next.replace(/&amp;/g, '&');
    }
    expect(seen).toHaveLength(57);
    expect(new Set(seen).size).toBe(57);
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    // Filters narrow it; the counts follow the filters.
    const crit = await it1.ui.get(`/queue?unit=${ward.code}&severity=critical`);
    expect((crit.html.match(/<a href="\/tickets\//g) ?? []).length).toBe(19);
    expect(textOf(crit.html)).toMatch(/19 Đang mở/);
    // A unit head sees only their own unit's tickets; the ward's are not theirs.
    expect((await head.ui.get(`/queue?unit=${ward.code}`)).html).not.toContain('Sự cố thử');
  });

  it('is the same list the API gives with sort=urgency', async () => {
    const api = await it1.api.get('/api/v1/tickets?sort=urgency&limit=20');
    expect(api.status).toBe(200);
    const ui = await it1.ui.get('/queue');
    const rows = [...ui.html.matchAll(/<a href="\/tickets\/([^"]+)">/g)].map((m) => m[1]).slice(0, 20);
    expect(rows).toEqual(api.body.items.map((t: { id: string }) => t.id));
    // Without sort, the API is unchanged: newest first, every status.
    const newest = (await it1.api.get('/api/v1/tickets?limit=5')).body.items as { createdAt: string }[];
    expect(newest.map((t) => t.createdAt)).toEqual([...newest.map((t) => t.createdAt)].sort().reverse());
  });

  it('shows resolved and closed tickets newest first when asked, and ignores filters that cannot be', async () => {
    const r = await it1.ui.get('/queue?status=all&severity=<b>&unit=%3Cx%3E');
    expect(r.status).toBe(200);
    expect(textOf(r.html)).toContain('mới nhất trước');
  });
});

describe('the approvals inbox', () => {
  it('shows what waits with cost, rule and basis; a rejection needs a reason; approving moves the ticket', async () => {
    const id = await newTicket(it1.ui, 'Thay ổ cứng SSD máy trả kết quả');
    for (const a of ['acknowledge', 'start']) expect((await act(it1.ui, id, { action: a })).status).toBe(303);
    expect((await act(it1.ui, id, { action: 'estimate', cost: '12500000' })).status).toBe(303);

    const inbox = await head.ui.get('/approvals');
    expect(inbox.status).toBe(200);
    const text = textOf(inbox.html);
    expect(text).toContain('Thay ổ cứng SSD máy trả kết quả');
    expect(text).toContain('12.500.000 ₫');
    expect(text).toContain('commune-major-b1');
    expect(text).toContain('Chưa ghi căn cứ');
    expect(inbox.html).toContain(`action="/tickets/${id}/approval"`);
    // Another ward's head sees nothing of it.
    expect((await otherHead.ui.get('/approvals')).html).not.toContain('Thay ổ cứng SSD');

    const noReason = await head.ui.post(`/tickets/${id}/approval`, {
      decision: 'reject',
      note: '',
      back: '/approvals',
    });
    expect(noReason.status).toBe(422);
    expect(noReason.html).toContain('id="approval-note-error"');
    expect((await it1.api.get(`/api/v1/tickets/${id}`)).body.status).toBe('awaiting_approval');

    await head.ui.get('/approvals');
    const ok = await head.ui.post(`/tickets/${id}/approval`, {
      decision: 'approve',
      note: 'Đồng ý, ưu tiên làm trong tuần',
      back: '/approvals',
    });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/approvals');
    expect(textOf((await head.ui.get('/approvals')).html)).toContain('Đã phê duyệt phiếu');
    const t = (await it1.api.get(`/api/v1/tickets/${id}`)).body;
    expect(t.status).toBe('approved');
    expect(t.approvals[0].note).toBe('Đồng ý, ưu tiên làm trong tuần');
    expect(textOf((await head.ui.get('/approvals/decided')).html)).toContain(
      'Thay ổ cứng SSD máy trả kết quả',
    );
  });

  it('bars the person who entered the estimate from approving it, and says why', async () => {
    const id = await newTicket(dual.ui, 'Thay bàn phím và chuột quầy 4');
    for (const a of ['acknowledge', 'start'])
      expect((await act(dual.ui, id, { action: a })).status).toBe(303);
    expect((await act(dual.ui, id, { action: 'estimate', cost: '6 triệu' })).status).toBe(303);
    const inbox = await dual.ui.get('/approvals');
    const card = inbox.html.slice(inbox.html.indexOf(`data-ticket="${id}"`));
    expect(textOf(card)).toContain('Bạn đã lập dự toán này nên không được tự phê duyệt');
    expect(card.slice(0, card.indexOf('</article>'))).not.toContain('name="decision"');
    // The other head of the ward may.
    expect(textOf((await head.ui.get('/approvals')).html)).toContain('Thay bàn phím và chuột quầy 4');
  });

  it('a deputy decides in the principal’s place, and the decision says so', async () => {
    await head.ui.get('/deputies');
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const r = await head.ui.post('/deputies', {
      grant: 'unit_head|00004',
      deputy: deputy.username,
      from: today,
      to: today,
      reason: 'Nghỉ phép',
    });
    expect(r.status, textOf(r.html).slice(0, 400)).toBe(303);
    const list = textOf((await head.ui.get('/deputies')).html);
    expect(list).toContain('Vũ Thị Lan');
    expect(list).toContain('Đang hiệu lực');

    const id = await newTicket(it1.ui, 'Thay đầu đọc thẻ căn cước');
    for (const a of ['acknowledge', 'start']) expect((await act(it1.ui, id, { action: a })).status).toBe(303);
    expect((await act(it1.ui, id, { action: 'estimate', cost: '7.000.000' })).status).toBe(303);

    const depUi = new UiClient(s.url);
    await depUi.signIn(deputy.username, TEST_PASSWORD); // grants are read at sign-in
    const inbox = await depUi.get('/approvals');
    expect(textOf(inbox.html)).toContain('Bạn duyệt thay cho Nguyễn Thị Hương');
    const ok = await depUi.post(`/tickets/${id}/approval`, {
      decision: 'approve',
      note: 'Duyệt thay',
      back: '/approvals',
    });
    expect(ok.status).toBe(303);
    const page = textOf((await it1.ui.get(`/tickets/${id}`)).html);
    expect(page).toContain('thay cho Nguyễn Thị Hương');

    // The principal revokes; the list says so.
    const dep = (await head.api.get('/api/v1/deputies')).body.items[0];
    await head.ui.get('/deputies');
    expect((await head.ui.post(`/deputies/${dep.id}/revoke`, {})).status).toBe(303);
    expect(textOf((await head.ui.get('/deputies')).html)).toContain('Đã thu hồi');
  });

  it('refuses a delegation to nobody, or ending before it starts, on the form', async () => {
    await head.ui.get('/deputies');
    const r = await head.ui.post('/deputies', {
      grant: 'unit_head|00004',
      deputy: 'khong.co.nguoi.nay',
      from: '2026-12-10',
      to: '2026-12-01',
    });
    expect(r.status).toBe(422);
    expect(textOf(r.html)).toContain('Không tìm thấy người dùng này.');
    expect(textOf(r.html)).toContain('Ngày kết thúc phải từ ngày bắt đầu trở đi.');
  });
});

describe('notifications', () => {
  it('lists what happened to me; opening one marks it read and goes to the ticket', async () => {
    const r = await head.ui.get('/notifications');
    expect(r.status).toBe(200);
    expect(textOf(r.html)).toMatch(/chờ bạn phê duyệt, dự toán 12\.500\.000 ₫/);
    const unread = (await head.api.get('/api/v1/notifications?unread=1')).body;
    expect(unread.unread).toBeGreaterThan(0);
    const first = unread.items[0];
    const open = await head.ui.post(`/notifications/${first.id}/open`, {});
    expect(open.status).toBe(303);
    expect(open.location).toBe(`/tickets/${first.ticketId}`);
    expect((await head.api.get('/api/v1/notifications?unread=1')).body.unread).toBe(unread.unread - 1);
    // Someone else's notification is not theirs to open.
    await otherHead.ui.get('/notifications');
    expect((await otherHead.ui.post(`/notifications/${first.id}/open`, {})).status).toBe(404);
    await head.ui.get('/notifications');
    expect((await head.ui.post('/notifications/read-all', {})).status).toBe(303);
    expect((await head.api.get('/api/v1/notifications?unread=1')).body.unread).toBe(0);
    expect((await head.ui.get('/')).html).toContain('>Thông báo</a>');
  });
});
