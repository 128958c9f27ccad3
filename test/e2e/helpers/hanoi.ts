/** Hanoi's 126 commune-level units of 2025 (shared/data), for realistic trees in journeys and benches. */
import { existsSync, readFileSync } from 'node:fs';

export interface HanoiUnit {
  code: string;
  name: string;
  type: 'phuong' | 'xa';
}

/** Where the reference data may be: an explicit path, the shared data folder, or a copy in the repo. */
const CANDIDATES = [
  process.env.HANOI_UNITS_CSV,
  '/work/shared/data/hanoi-units-2025.csv',
  'shared/data/hanoi-units-2025.csv',
].filter((p): p is string => !!p);

/** A few of the same real units, for machines without the reference file (tests still run, smaller). */
const SAMPLE: HanoiUnit[] = [
  { code: '00004', name: 'Phường Ba Đình', type: 'phuong' },
  { code: '00008', name: 'Phường Ngọc Hà', type: 'phuong' },
  { code: '00025', name: 'Phường Giảng Võ', type: 'phuong' },
  { code: '00070', name: 'Phường Hoàn Kiếm', type: 'phuong' },
  { code: '00082', name: 'Phường Cửa Nam', type: 'phuong' },
  { code: '00175', name: 'Phường Yên Hòa', type: 'phuong' },
  { code: '00226', name: 'Phường Văn Miếu - Quốc Tử Giám', type: 'phuong' },
  { code: '00376', name: 'Xã Sóc Sơn', type: 'xa' },
  { code: '00430', name: 'Xã Đa Phúc', type: 'xa' },
  { code: '00454', name: 'Xã Đông Anh', type: 'xa' },
];

/** A minimal CSV reader: commas, double-quoted fields with doubled quotes. Enough for this file. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

export function hanoiUnits(): HanoiUnit[] {
  const path = CANDIDATES.find((p) => existsSync(p));
  if (!path) return SAMPLE;
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const col = (name: string) => header!.indexOf(name);
  return rows.map((r) => ({
    code: r[col('code')]!,
    name: r[col('name')]!,
    type: r[col('type')] as HanoiUnit['type'],
  }));
}
