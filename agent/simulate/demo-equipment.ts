/**
 * The demo's equipment register (PROTOCOL.md Additions, "Equipment register and the equipment
 * standard"), through the public API like the rest of the demo: each unit's declared figures (area,
 * officers, officers who digitise files), two suppliers, the equipment of every counter (the PCs are
 * already there: enrolled agents register themselves), and realistic shortfalls — one unit under
 * 40 m², some short of scanners, one without a rating device, one whose queue-number machine breaks.
 * Then the city adopts the equipment standard (a new version with the same requirements): a standard
 * change re-evaluates every unit at once and opens the compliance tickets (a register change only
 * resolves them; the 10-minute job would open them too, later). Returns the lines to narrate.
 */
import type { Lang } from '../i18n.js';
import type { HanoiUnit } from './hanoi-units.js';

/** The demo's API client (demo.ts), as much of it as this needs. */
export interface DemoApi {
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

interface Asset {
  id: string;
  assetTag: string;
  unitCode: string;
  kind: string;
}

interface Compliance {
  standardVersion: number;
  units: number;
  fullyCompliantUnits: number;
  requirements: {
    id: string;
    title: { vi: string; en: string };
    failing: { unitCode: string; unitName: string; have: number | null; need: number | null }[];
  }[];
  broken: { kind: string; count: number }[];
}

interface TicketItem {
  number: number;
  title: string;
  unitCode: string;
  source: string;
  status: string;
}

export interface DemoEquipment {
  lines: string[];
  /** Numbers of the live compliance tickets, lowest first. */
  complianceTickets: number[];
}

/** Clearly fictitious companies (phones in the unassigned 024 0000 range, reserved `.example` mail). */
const SUPPLIERS = [
  {
    name: 'Công ty TNHH Thiết bị Văn phòng Hà Thành',
    taxCode: '0109990017',
    phone: '024 0000 1234',
    email: 'kinhdoanh@thietbihathanh.example',
  },
  {
    name: 'Công ty Cổ phần Giải pháp Số Long Biên',
    taxCode: '0109990024-001',
    phone: '024 0000 5678',
    email: 'baohanh@giaiphapsolongbien.example',
  },
];

/** Areas of the counters (m²) by unit index; the second unit's (an old-quarter building) is 36 m². */
const AREAS = [68, 36, 52, 45, 60, 48, 55, 72, 64, 50];

/** Short labels of the default requirements, for one line of figures (others use their title). */
const SHORT: Record<string, { vi: string; en: string }> = {
  area_min: { vi: 'diện tích dưới 40 m²', en: 'under 40 m²' },
  pc_per_officer: { vi: 'thiếu máy tính', en: 'short of PCs' },
  scanner_per_digitizing_officer: { vi: 'chưa đủ máy quét', en: 'short of scanners' },
  photocopier: { vi: 'không có máy photocopy dùng được', en: 'without a working photocopier' },
  queue_machine: { vi: 'không có máy lấy số thứ tự dùng được', en: 'without a working queue-number machine' },
  rating_device: { vi: 'chưa có thiết bị đánh giá hài lòng', en: 'without a rating device' },
};

const T = {
  register: {
    vi: (s: number, pcs: number, manual: number, n: number, broken?: string) =>
      `Sổ thiết bị: ${s} nhà cung cấp; ${pcs} máy tính tự vào sổ khi cài tác tử, ${manual} thiết bị cán bộ nhập tay cho ${n} phường/xã` +
      (broken ? `; máy lấy số thứ tự của ${broken} báo hỏng.` : '.'),
    en: (s: number, pcs: number, manual: number, n: number, broken?: string) =>
      `Equipment register: ${s} suppliers; ${pcs} PCs registered by their agents, ${manual} items entered by staff for ${n} wards/communes` +
      (broken ? `; the queue-number machine of ${broken} is reported broken.` : '.'),
  },
  adopted: {
    vi: (v: number) =>
      `Thành phố áp dụng tiêu chuẩn trang thiết bị (phiên bản ${v}): mọi đơn vị được rà soát lại ngay.`,
    en: (v: number) =>
      `The city adopts the equipment standard (version ${v}): every unit is re-evaluated at once.`,
  },
  figures: {
    vi: (ok: number, n: number, parts: string[]) =>
      `Tuân thủ tiêu chuẩn: ${ok}/${n} đơn vị đạt đủ; ${parts.join('; ')}.`,
    en: (ok: number, n: number, parts: string[]) =>
      `Compliance with the standard: ${ok}/${n} units meet all of it; ${parts.join('; ')}.`,
  },
  tickets: {
    vi: (nums: string, count: number, first: TicketItem | undefined, url: string) =>
      `Phiếu tuân thủ: ${count} phiếu mở${nums}${first ? `, ví dụ phiếu #${first.number} «${first.title}»` : ''}. Số liệu: ${url}/api/v1/compliance?unit=01`,
    en: (nums: string, count: number, first: TicketItem | undefined, url: string) =>
      `Compliance tickets: ${count} opened${nums}${first ? `, e.g. ticket #${first.number} "${first.title}"` : ''}. Figures: ${url}/api/v1/compliance?unit=01`,
  },
  none: { vi: 'chưa phát hiện thiếu hụt', en: 'no shortfall found' },
};

/** " (#3–#8)" for consecutive numbers, " (#3, #5, #9)" otherwise; nothing for none. */
function numbers(ns: number[]): string {
  if (ns.length === 0) return '';
  if (ns.length > 2 && ns[ns.length - 1]! - ns[0]! === ns.length - 1)
    return ` (#${ns[0]}–#${ns[ns.length - 1]})`;
  return ` (${ns.map((n) => `#${n}`).join(', ')})`;
}

/** PCs in the register (every page). */
async function countPcs(admin: DemoApi): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page: { items: Asset[]; nextCursor: string | null } = await admin.call(
      'GET',
      `/api/v1/assets?kind=pc&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    n += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return n;
}

/** A calendar date `days` from today (negative: in the past), for purchases and warranties. */
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * What unit `i` of `n` is like: complete, except — each at a different unit where there are enough —
 * the second under 40 m², the third, fifth and sixth short of a scanner (every officer there now
 * digitises files), the fourth's queue-number machine broken, the seventh (or the last but one)
 * without a rating device. Every officer has a counter PC (the fleet's).
 */
function profile(i: number, n: number, pcs: number) {
  const scannerShort = i === 2 || i === 4 || i === 5;
  const digitizing = scannerShort ? pcs : Math.max(1, pcs - 1);
  return {
    areaM2: i === 1 ? 36 : AREAS[i % AREAS.length]!,
    officers: pcs,
    digitizingOfficers: digitizing,
    scanners: scannerShort ? digitizing - 1 : digitizing,
    brokenQueueMachine: i === Math.min(3, n - 1),
    ratingDevice: i !== (n >= 7 ? 6 : n - 2),
  };
}

export async function registerEquipment(
  admin: DemoApi,
  units: HanoiUnit[],
  o: { pcs: number; lang: Lang; url: string },
): Promise<DemoEquipment> {
  const [it, office] = await Promise.all(
    SUPPLIERS.map((s) => admin.call<{ id: string }>('POST', '/api/v1/suppliers', s)),
  );
  const add = (unitCode: string, body: Record<string, unknown>) =>
    admin.call<Asset>('POST', '/api/v1/assets', { unitCode, fundingSource: 'Ngân sách cấp xã', ...body });
  let manual = 0;
  let brokenAt: HanoiUnit | undefined;
  for (const [i, u] of units.entries()) {
    const p = profile(i, units.length, o.pcs);
    await admin.call('PATCH', `/api/v1/units/${u.code}`, {
      areaM2: p.areaM2,
      officers: p.officers,
      digitizingOfficers: p.digitizingOfficers,
    });
    const items: Record<string, unknown>[] = [];
    for (let k = 1; k <= p.scanners; k++)
      items.push({
        kind: 'scanner',
        name: `Máy quét hồ sơ quầy ${k}`,
        manufacturer: 'Canon',
        model: 'imageFORMULA DR-C225 II',
        serial: `DRC225-${u.code}-${k}`,
        purchasedOn: daysFromNow(-400 + 30 * i),
        priceVnd: 12_500_000,
        warrantyUntil: daysFromNow(330 + 30 * i),
        supplierId: it!.id,
      });
    items.push({
      kind: 'photocopier',
      name: 'Máy photocopy bộ phận một cửa',
      manufacturer: 'Ricoh',
      model: 'IM 2702',
      serial: `RICOH-${u.code}`,
      purchasedOn: daysFromNow(-1200),
      priceVnd: 46_000_000,
      warrantyUntil: daysFromNow(-470), // out of warranty
      supplierId: office!.id,
    });
    items.push({
      kind: 'queue_machine',
      name: 'Máy lấy số thứ tự (ki-ốt cảm ứng)',
      model: 'Ki-ốt lấy số 21,5 inch',
      serial: `KIOSK-${u.code}`,
      purchasedOn: daysFromNow(-700),
      priceVnd: 35_000_000,
      warrantyUntil: daysFromNow(30),
      supplierId: office!.id,
    });
    if (p.ratingDevice)
      items.push({
        kind: 'rating_device',
        name: 'Thiết bị đánh giá mức độ hài lòng',
        model: 'Máy tính bảng 10 inch có giá đỡ',
        purchasedOn: daysFromNow(-300),
        priceVnd: 7_800_000,
        warrantyUntil: daysFromNow(60),
        supplierId: office!.id,
      });
    for (const body of items) {
      const a = await add(u.code, body);
      manual++;
      if (a.kind === 'queue_machine' && p.brokenQueueMachine) {
        await admin.call('PATCH', `/api/v1/assets/${a.id}`, {
          status: 'broken',
          statusNote: 'Máy không in được phiếu số thứ tự, màn hình cảm ứng không phản hồi',
        });
        brokenAt = u;
      }
    }
  }

  // The city adopts the standard as it stands: a standard change re-evaluates every unit once.
  const current = await admin.call<{ requirements: unknown[] }>('GET', '/api/v1/equipment-standard');
  const adopted = await admin.call<{ version: number }>('PUT', '/api/v1/equipment-standard', {
    name: 'Tiêu chuẩn trang thiết bị bộ phận một cửa cấp xã của Thành phố Hà Nội (bản trình diễn)',
    legalBasis:
      'Theo dự thảo Đề án nâng cao hiệu quả bộ phận một cửa của UBND TP Hà Nội (bản trình diễn, chưa phải văn bản ban hành)',
    requirements: current.requirements,
  });

  const [c, pcs, list] = await Promise.all([
    admin.call<Compliance>('GET', '/api/v1/compliance?unit=01'),
    countPcs(admin),
    admin.call<{ items: TicketItem[] }>('GET', '/api/v1/tickets?category=equipment&limit=500'),
  ]);
  const compliance = list.items
    .filter((t) => t.source === 'compliance' && t.status !== 'resolved' && t.status !== 'closed')
    .sort((a, b) => a.number - b.number);
  const L = o.lang;
  const parts = c.requirements
    .filter((r) => r.failing.length > 0)
    .map((r) => {
      const label =
        SHORT[r.id]?.[L] ?? (L === 'vi' ? `chưa đạt «${r.title.vi}»` : `not meeting "${r.title.en}"`);
      const who = r.failing
        .slice(0, 3)
        .map((f) => (r.id === 'area_min' ? `${f.unitName} ${f.have ?? '?'} m²` : f.unitName))
        .join(', ');
      return `${r.failing.length}/${c.units} ${label} (${who}${r.failing.length > 3 ? ', …' : ''})`;
    });
  // The example ticket: a scanner shortfall if there is one (the commonest), else the first.
  const example = compliance.find((t) => /máy quét/i.test(t.title)) ?? compliance[0];
  return {
    lines: [
      T.register[L](SUPPLIERS.length, pcs, manual, units.length, brokenAt?.name),
      T.adopted[L](adopted.version),
      T.figures[L](c.fullyCompliantUnits, c.units, parts.length ? parts : [T.none[L]]),
      T.tickets[L](numbers(compliance.map((t) => t.number)), compliance.length, example, o.url),
    ],
    complianceTickets: compliance.map((t) => t.number),
  };
}
