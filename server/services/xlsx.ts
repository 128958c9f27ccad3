/**
 * Reading and writing XLSX workbooks with exceljs — Node only. exceljs needs Node streams and Buffer,
 * and the Workers build (no nodejs_compat) must not bundle it: only server/start.ts imports this file,
 * and puts `exceljsCodec` in the deps as `xlsx`. Everything else sees the `XlsxCodec` interface (type
 * imports only), so without the codec an XLSX request is refused and CSV still works.
 *
 * exceljs itself is loaded on first use: it takes about a third of a second to load, which a server
 * that never sees a spreadsheet should not pay at start.
 */

/** A cell as the register's import and export see it. Dates are calendar days at 00:00 UTC. */
export type CellValue = string | number | boolean | Date | null;

/** How a column is shown in Excel (its number format). */
export type ColumnFormat = 'text' | 'number' | 'vnd' | 'date';

export interface SheetColumn {
  header: string;
  /** Width in characters. */
  width: number;
  format?: ColumnFormat;
}

export interface SheetSpec {
  /** At most 31 characters, none of `[]:*?/\`. */
  name: string;
  columns: readonly SheetColumn[];
  rows: readonly (readonly CellValue[])[];
}

export type XlsxRead =
  /** The first worksheet's rows: index 0 is spreadsheet line 1; empty lines are empty arrays. */
  | { ok: true; rows: CellValue[][] }
  /** `unreadable`: not an XLSX workbook (or damaged); `too_large`: it would unpack to too much. */
  | { ok: false; reason: 'unreadable' | 'too_large' };

export interface XlsxCodec {
  readXlsx(bytes: Uint8Array): Promise<XlsxRead>;
  writeXlsx(sheets: readonly SheetSpec[]): Promise<Uint8Array>;
}

/**
 * A 10 MiB upload can unpack to gigabytes (a "zip bomb"); exceljs would hold it all in memory. The
 * sizes the archive declares are checked before anything is unpacked.
 */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;

/** Sum of the uncompressed sizes the ZIP central directory declares; undefined when it is not a ZIP. */
export function declaredUnpackedSize(bytes: Uint8Array): number | undefined {
  if (bytes.byteLength < 22) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65 535 bytes, at the end.
  const lowest = Math.max(0, bytes.byteLength - 22 - 0xffff);
  for (let i = bytes.byteLength - 22; i >= lowest; i--) {
    if (dv.getUint32(i, true) !== EOCD_SIGNATURE) continue;
    const entries = dv.getUint16(i + 10, true);
    let off = dv.getUint32(i + 16, true);
    let total = 0;
    for (let k = 0; k < entries; k++) {
      if (off + 46 > bytes.byteLength || dv.getUint32(off, true) !== CENTRAL_ENTRY_SIGNATURE)
        return undefined;
      // ZIP64 entries say 0xFFFFFFFF here: counted as 4 GiB, i.e. refused.
      total += dv.getUint32(off + 24, true);
      off += 46 + dv.getUint16(off + 28, true) + dv.getUint16(off + 30, true) + dv.getUint16(off + 32, true);
    }
    return total;
  }
  return undefined;
}

type ExcelModule = typeof import('exceljs');
let loading: Promise<ExcelModule> | undefined;

function excel(): Promise<ExcelModule> {
  // exceljs is CommonJS: its exports are the ES module's default export.
  loading ??= import('exceljs').then((m) => ((m as { default?: ExcelModule }).default ?? m) as ExcelModule);
  return loading;
}

/** An exceljs cell value as a plain value: rich text joined, a formula's cached result, a link's text. */
function plainValue(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((t) => t.text).join('');
    if ('result' in o) return plainValue(o.result);
    if ('error' in o) return null;
    if (o.text !== undefined) return plainValue(o.text);
  }
  return String(v);
}

async function readXlsx(bytes: Uint8Array): Promise<XlsxRead> {
  const size = declaredUnpackedSize(bytes);
  if (size === undefined) return { ok: false, reason: 'unreadable' };
  if (size > MAX_UNPACKED_BYTES) return { ok: false, reason: 'too_large' };
  const ExcelJS = await excel();
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  const ws = wb.worksheets[0];
  const rows: CellValue[][] = [];
  if (!ws) return { ok: true, rows };
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    // `row.values` is 1-based and sparse: index 0 and the gaps are empty cells.
    const values = row.values as unknown[];
    const cells: CellValue[] = [];
    for (let i = 1; i < values.length; i++) cells.push(plainValue(values[i]));
    rows[n - 1] = cells;
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  return { ok: true, rows };
}

const NUMBER_FORMATS: Record<ColumnFormat, string> = {
  text: '@',
  number: '0',
  // Shown with the thousands separator of the reader's Excel (12.500.000 in Vietnamese settings).
  vnd: '#,##0',
  date: 'dd/mm/yyyy',
};

async function writeXlsx(sheets: readonly SheetSpec[]): Promise<Uint8Array> {
  const ExcelJS = await excel();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'onestop-care';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = s.columns.map((c, i) => ({
      header: c.header,
      key: `c${i}`,
      width: c.width,
      style: { numFmt: NUMBER_FORMATS[c.format ?? 'text'] },
    }));
    const head = ws.getRow(1);
    head.font = { bold: true };
    head.alignment = { vertical: 'middle', wrapText: true };
    for (const r of s.rows) ws.addRow([...r]);
  }
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

/** The codec the Node server puts in its deps. */
export const exceljsCodec: XlsxCodec = { readXlsx, writeXlsx };
