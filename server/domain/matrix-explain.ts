/**
 * Human wording of a routing decision, Vietnamese first then English: the rule, the values it
 * matched, who handles and approves, the SLA and the legal basis. Category, severity and level names
 * are data of the matrix; the ones the default matrices use have Vietnamese labels here, any other
 * value is shown as written.
 */

type Pair = { vi: string; en: string };

const LEVELS: Record<string, Pair> = {
  city: { vi: 'tỉnh/thành phố', en: 'province/city' },
  province: { vi: 'tỉnh', en: 'province' },
  district: { vi: 'quận/huyện', en: 'district' },
  commune: { vi: 'xã/phường', en: 'commune/ward' },
};
const CATEGORIES: Record<string, Pair> = {
  hardware: { vi: 'phần cứng', en: 'hardware' },
  peripheral: { vi: 'thiết bị ngoại vi', en: 'peripheral' },
  network: { vi: 'mạng', en: 'network' },
  software: { vi: 'phần mềm', en: 'software' },
  upstream: { vi: 'hệ thống cấp trên', en: 'upstream system' },
};
const SEVERITIES: Record<string, Pair> = {
  critical: { vi: 'nghiêm trọng', en: 'critical' },
  major: { vi: 'lớn', en: 'major' },
  minor: { vi: 'nhỏ', en: 'minor' },
};
export const ROLE_NAMES: Record<string, Pair> = {
  admin: { vi: 'quản trị viên', en: 'administrator' },
  it_staff: { vi: 'cán bộ CNTT', en: 'IT staff' },
  unit_head: { vi: 'thủ trưởng đơn vị', en: 'unit head' },
  viewer: { vi: 'người xem', en: 'viewer' },
};

function label(table: Record<string, Pair>, key: string, lang: 'vi' | 'en'): string {
  const p = table[key];
  return p && p[lang] !== key ? `${p[lang]} (${key})` : key;
}

/** `5.000.000 ₫` in Vietnamese, `5,000,000 VND` in English. */
export function formatVnd(n: number, lang: 'vi' | 'en'): string {
  const digits = Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'vi' ? '.' : ',');
  return lang === 'vi' ? `${digits} ₫` : `${digits} VND`;
}

/** `240 phút làm việc (4 giờ)`. */
export function formatMinutes(m: number, lang: 'vi' | 'en'): string {
  const hours = m % 60 === 0 ? m / 60 : undefined;
  if (lang === 'vi') return hours !== undefined ? `${hours} giờ làm việc` : `${m} phút làm việc`;
  return hours !== undefined
    ? `${hours} working hour${hours === 1 ? '' : 's'}`
    : `${m} working minute${m === 1 ? '' : 's'}`;
}

export function bandRange(bands: readonly number[], i: number, lang: 'vi' | 'en'): string {
  const lo = bands[i] ?? 0;
  const hi = bands[i + 1];
  if (lang === 'vi')
    return hi === undefined
      ? `từ ${formatVnd(lo, 'vi')} trở lên`
      : `từ ${formatVnd(lo, 'vi')} đến dưới ${formatVnd(hi, 'vi')}`;
  return hi === undefined
    ? `${formatVnd(lo, 'en')} or more`
    : `from ${formatVnd(lo, 'en')} up to (not including) ${formatVnd(hi, 'en')}`;
}

export interface ExplainInput {
  ruleId: string;
  matrixVersion?: number;
  level: string;
  category: string;
  severity: string;
  costBand: number;
  costBands: readonly number[];
  costEstimateVnd?: number | null;
  unitCode: string;
  handler: { role: string; unitCode: string; at: string };
  approvers: { role: string; unitCode: string; at: string }[];
  sla: { respondMinutes: number; resolveMinutes: number; approveMinutes: number };
  legalBasis?: string;
}

export function explain(x: ExplainInput): Pair {
  const one = (lang: 'vi' | 'en'): string => {
    const v = lang === 'vi';
    const ver =
      x.matrixVersion !== undefined
        ? v
          ? ` (ma trận phiên bản ${x.matrixVersion})`
          : ` (matrix version ${x.matrixVersion})`
        : '';
    const est =
      x.costEstimateVnd === undefined || x.costEstimateVnd === null
        ? v
          ? 'chưa có dự toán'
          : 'no estimate yet'
        : v
          ? `dự toán ${formatVnd(x.costEstimateVnd, 'vi')}`
          : `estimate ${formatVnd(x.costEstimateVnd, 'en')}`;
    const place = (p: { role: string; unitCode: string }) =>
      v
        ? `${label(ROLE_NAMES, p.role, 'vi')} tại ${p.unitCode}`
        : `${label(ROLE_NAMES, p.role, 'en')} at ${p.unitCode}`;
    const approvers =
      x.approvers.length === 0
        ? v
          ? 'không cần phê duyệt (trong thẩm quyền của người xử lý)'
          : 'none needed (within the handler’s own authority)'
        : x.approvers.map((a, i) => `${i + 1}. ${place(a)}`).join('; ');
    const basis = x.legalBasis?.trim()
      ? x.legalBasis.trim()
      : v
        ? 'chưa ghi — hãy điền "legalBasis" của quy tắc hoặc của ma trận'
        : 'not recorded — fill in the rule’s or the matrix’s "legalBasis"';
    if (v)
      return (
        `Quy tắc «${x.ruleId}»${ver} áp dụng vì đơn vị ${x.unitCode} thuộc cấp ${label(LEVELS, x.level, 'vi')}, ` +
        `loại sự cố ${label(CATEGORIES, x.category, 'vi')}, mức độ ${label(SEVERITIES, x.severity, 'vi')}, ` +
        `khoảng chi phí ${x.costBand} (${bandRange(x.costBands, x.costBand, 'vi')}; ${est}). ` +
        `Người xử lý: ${place(x.handler)}. Phê duyệt: ${approvers}. ` +
        `Thời hạn: phản hồi trong ${formatMinutes(x.sla.respondMinutes, 'vi')}, khắc phục trong ${formatMinutes(x.sla.resolveMinutes, 'vi')}` +
        (x.approvers.length > 0
          ? `, mỗi bước phê duyệt trong ${formatMinutes(x.sla.approveMinutes, 'vi')}`
          : '') +
        `. Căn cứ: ${basis}.`
      );
    return (
      `Rule "${x.ruleId}"${ver} applies because unit ${x.unitCode} is at level ${label(LEVELS, x.level, 'en')}, ` +
      `category ${label(CATEGORIES, x.category, 'en')}, severity ${label(SEVERITIES, x.severity, 'en')}, ` +
      `cost band ${x.costBand} (${bandRange(x.costBands, x.costBand, 'en')}; ${est}). ` +
      `Handler: ${place(x.handler)}. Approvals: ${approvers}. ` +
      `Targets: respond within ${formatMinutes(x.sla.respondMinutes, 'en')}, resolve within ${formatMinutes(x.sla.resolveMinutes, 'en')}` +
      (x.approvers.length > 0 ? `, each approval within ${formatMinutes(x.sla.approveMinutes, 'en')}` : '') +
      `. Legal basis: ${basis}.`
    );
  };
  return { vi: one('vi'), en: one('en') };
}
