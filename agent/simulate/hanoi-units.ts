/**
 * Hanoi's 126 commune-level units (2025) from agent/simulate/data/hanoi-units-2025.csv, for the demo
 * tree: real codes and names, and — for the older three-level structure — the district each unit
 * mostly came from (the first entry of its `former_units`).
 */
import { readFileSync } from 'node:fs';

export interface HanoiUnit {
  code: string;
  name: string;
  type: 'phuong' | 'xa';
  /** District of the first pre-2025 unit merged into this one, e.g. "Quận Ba Đình". */
  formerDistrict?: string;
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
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
      field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

export function parseHanoiUnits(text: string): HanoiUnit[] {
  const [header, ...rows] = parseCsv(text);
  const col = (n: string) => header!.indexOf(n);
  const [c, n, ty, f] = [col('code'), col('name'), col('type'), col('former_units')];
  return rows.map((r) => {
    const u: HanoiUnit = { code: r[c]!, name: r[n]!.normalize('NFC'), type: r[ty] as HanoiUnit['type'] };
    const district = /\((Quận|Huyện|Thị xã) ([^,)]+)/.exec(r[f] ?? '');
    if (district) u.formerDistrict = `${district[1]} ${district[2]!.trim()}`;
    return u;
  });
}

export function loadHanoiUnits(): HanoiUnit[] {
  return parseHanoiUnits(readFileSync(new URL('./data/hanoi-units-2025.csv', import.meta.url), 'utf8'));
}

/** Wards a newcomer recognises first (the old inner districts' namesakes), then the rest in file order. */
const FIRST = ['00004', '00070', '00103', '00145', '00166', '00235', '00256', '00367', '00454', '00592'];

export function pickUnits(all: HanoiUnit[], count: number): HanoiUnit[] {
  const first = FIRST.map((code) => all.find((u) => u.code === code)).filter((u): u is HanoiUnit => !!u);
  const rest = all.filter((u) => !FIRST.includes(u.code));
  return [...first, ...rest].slice(0, Math.max(1, count));
}

/** A readable, valid unit code for a former district: "Quận Ba Đình" → "Q-BA-DINH". */
export function districtCode(name: string): string {
  const prefix = name.startsWith('Quận') ? 'Q' : name.startsWith('Huyện') ? 'H' : 'TX';
  const base = name
    .replace(/^(Quận|Huyện|Thị xã)\s+/, '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${prefix}-${base}`;
}
