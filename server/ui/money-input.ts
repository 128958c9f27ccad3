/**
 * Reading an amount of VND as people type it: `1.500.000`, `1500000`, `1,500,000`, `1 500 000`,
 * `1,5 triệu`, `1.5tr`, `500 nghìn`, `500k`, `2 tỷ`, with or without `đ`/`₫`/`VND`. Returns a whole
 * number of đồng, or NaN when the text is not an amount (the shared zod schema then says what is
 * wrong). Pure; table-tested in test/ui/money-input.test.ts.
 */

const UNITS: [RegExp, number][] = [
  [/^(tỷ|tỉ|ty|ti|b|bn)$/, 1_000_000_000],
  [/^(triệu|trieu|tr|m|mio)$/, 1_000_000],
  [/^(nghìn|nghin|ngàn|ngan|k)$/, 1_000],
];

/** A number with at most one decimal separator (`,` or `.`): `1,5` → 1.5. */
function decimal(s: string): number {
  if (!/^\d+([.,]\d+)?$/.test(s)) return Number.NaN;
  return Number(s.replace(',', '.'));
}

export function parseVnd(input: string): number {
  let s = input.normalize('NFC').trim().toLowerCase();
  s = s.replace(/(vnđ|vnd|đồng|dong|đ|₫)$/u, '').trim();
  if (s === '') return Number.NaN;
  const m = /^([\d.,\s]+?)\s*([a-zà-ỹđ]+)$/u.exec(s);
  if (m) {
    const unit = UNITS.find(([re]) => re.test(m[2]!));
    if (!unit) return Number.NaN;
    const n = decimal(m[1]!.replace(/\s/g, ''));
    return Number.isFinite(n) ? Math.round(n * unit[1]) : Number.NaN;
  }
  const digits = s.replace(/[\s\u00a0]/g, '');
  // Thousands grouped by "." (vi), "," (en) or spaces: 1.500.000 / 1,500,000 / 1500000.
  if (/^\d{1,3}(\.\d{3})+$/.test(digits) || /^\d{1,3}(,\d{3})+$/.test(digits))
    return Number(digits.replace(/[.,]/g, ''));
  if (/^\d+$/.test(digits)) return Number(digits);
  return Number.NaN;
}
