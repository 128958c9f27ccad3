/** Hanoi's 126 commune-level units of 2025 (shared/data), for realistic trees in journeys and benches. */
import { readFileSync } from 'node:fs';

export interface HanoiUnit {
  code: string;
  name: string;
  type: 'phuong' | 'xa';
}

const CSV = '/work/shared/data/hanoi-units-2025.csv';

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

export function hanoiUnits(path = process.env.HANOI_UNITS_CSV ?? CSV): HanoiUnit[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const col = (name: string) => header!.indexOf(name);
  return rows.map((r) => ({
    code: r[col('code')]!,
    name: r[col('name')]!,
    type: r[col('type')] as HanoiUnit['type'],
  }));
}
