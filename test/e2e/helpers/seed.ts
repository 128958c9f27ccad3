/**
 * A realistic small world for journeys and screenshots, built through the public API only: Hanoi's
 * 126 real commune-level units under the city, the people who work them (IT staff at the city, unit
 * heads at two wards, a viewer), and tickets in the states a working day leaves them in.
 */
import { createUser } from '../../helpers/factories.js';
import type { ApiClient } from '../../helpers/http.js';
import type { TestServer } from '../../helpers/server.js';
import { type HanoiUnit, hanoiUnits } from './hanoi.js';

export interface World {
  units: HanoiUnit[];
  /** The ward the journeys happen at (Ba Đình) and another one (Ngọc Hà). */
  ward: HanoiUnit;
  otherWard: HanoiUnit;
  it: { id: string; username: string; client: ApiClient };
  it2: { id: string; username: string; client: ApiClient };
  head: { id: string; username: string; client: ApiClient };
  otherHead: { id: string; username: string; client: ApiClient };
}

export async function seedUnits(s: TestServer, units = hanoiUnits()): Promise<void> {
  for (const u of units) {
    const r = await s.admin.post('/api/v1/units', {
      code: u.code,
      name: u.name,
      level: 'commune',
      parentCode: 'HN',
    });
    if (r.status !== 201) throw new Error(`seed ${u.code}: ${r.status} ${r.text}`);
  }
}

export async function seedWorld(s: TestServer): Promise<World> {
  const units = hanoiUnits();
  await seedUnits(s, units);
  const ward = units.find((u) => u.name === 'Phường Ba Đình') ?? units[0]!;
  const otherWard = units.find((u) => u.name === 'Phường Ngọc Hà') ?? units[1]!;
  const mk = async (username: string, displayName: string, role: string, unitCode: string) => {
    const { user, client } = await createUser(s.admin, [{ role, unitCode }], { username, displayName });
    return { id: user.id, username, client };
  };
  const it = await mk('tran.van.minh', 'Trần Văn Minh', 'it_staff', 'HN');
  const it2 = await mk('le.thi.thu', 'Lê Thị Thu', 'it_staff', 'HN');
  const head = await mk('nguyen.thi.huong', 'Nguyễn Thị Hương', 'unit_head', ward.code);
  const otherHead = await mk('pham.quoc.bao', 'Phạm Quốc Bảo', 'unit_head', otherWard.code);
  await mk('do.minh.chau', 'Đỗ Minh Châu', 'viewer', 'HN');
  return { units, ward, otherWard, it, it2, head, otherHead };
}

export async function openTicket(
  c: ApiClient,
  body: { unitCode: string; category: string; severity: string; title: string; description?: string },
): Promise<{ id: string; number: number }> {
  const r = await c.post('/api/v1/tickets', body);
  if (r.status !== 201) throw new Error(`ticket: ${r.status} ${r.text}`);
  return r.body as { id: string; number: number };
}

export async function act(c: ApiClient, id: string, body: Record<string, unknown>): Promise<void> {
  const r = await c.post(`/api/v1/tickets/${id}/actions`, body);
  if (r.status !== 200) throw new Error(`${String(body.action)}: ${r.status} ${r.text}`);
}

/** Tickets across the wards in every state a day leaves them in (for screenshots and lists). */
export async function seedTickets(w: World): Promise<void> {
  const c = w.it.client;
  const titles: [string, string, string][] = [
    ['peripheral', 'major', 'Máy quét hồ sơ quầy 1 không nhận lệnh quét'],
    ['hardware', 'critical', 'Máy tính quầy tiếp nhận số 3 không khởi động được'],
    ['network', 'major', 'Mất kết nối tới Cổng dịch vụ công quốc gia'],
    ['peripheral', 'minor', 'Máy in phiếu hẹn in mờ, cần thay hộp mực'],
    ['software', 'minor', 'Phần mềm một cửa báo lỗi chữ ký số khi trả kết quả'],
    ['hardware', 'major', 'Màn hình lấy số thứ tự bị sọc ngang'],
    ['peripheral', 'major', 'Thiết bị đánh giá mức độ hài lòng không phản hồi'],
    ['network', 'critical', 'Đường truyền mạng chập chờn, tốc độ rất chậm'],
  ];
  const wards = [w.ward, w.otherWard, ...w.units.slice(2, 8)];
  for (const [i, [category, severity, title]] of titles.entries()) {
    const unit = wards[i % wards.length]!;
    const t = await openTicket(c, { unitCode: unit.code, category, severity, title });
    if (i % 4 === 1) await act(c, t.id, { action: 'acknowledge' });
    if (i % 4 === 2) {
      await act(c, t.id, { action: 'acknowledge' });
      await act(c, t.id, { action: 'assign' });
      await act(c, t.id, { action: 'start' });
    }
    if (i % 4 === 3) {
      await act(c, t.id, { action: 'acknowledge' });
      await act(c, t.id, { action: 'start' });
      await act(c, t.id, {
        action: 'estimate',
        costEstimateVnd: 3_500_000 + i * 250_000,
        note: 'Thay linh kiện',
      });
    }
  }
  // Two estimates waiting for the head of Ba Đình: one within the ward's authority, one that the city
  // head must approve next.
  for (const [title, cost] of [
    ['Thay ổ cứng SSD cho máy tính quầy trả kết quả', 8_500_000],
    ['Thay máy quét tài liệu tốc độ cao tại quầy tiếp nhận', 24_900_000],
  ] as const) {
    const t = await openTicket(c, { unitCode: w.ward.code, category: 'hardware', severity: 'major', title });
    await act(c, t.id, { action: 'acknowledge' });
    await act(c, t.id, { action: 'assign' });
    await act(c, t.id, { action: 'start' });
    await act(c, t.id, {
      action: 'estimate',
      costEstimateVnd: cost,
      note: 'Báo giá của nhà cung cấp kèm theo',
    });
  }
}

/**
 * A Monday 09:30 in Hanoi within the next week, for a ManualClock: the screenshots show working-hour
 * deadlines, and session cookies (whose expiry follows the server's clock) stay valid for the browser,
 * which lives in real time.
 */
export function nextMondayMorning(from = new Date()): Date {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), 2, 30));
  const add = (8 - d.getUTCDay()) % 7 || 7;
  return new Date(d.getTime() + add * 86_400_000);
}
