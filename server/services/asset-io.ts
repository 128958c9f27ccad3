/**
 * The equipment register as a spreadsheet (PROTOCOL.md Additions, "Equipment register and the
 * equipment standard"): import from CSV or XLSX (a dry run lists every row's errors; a commit creates
 * every row or none), export of the register and of the compliance figures, and the import template.
 *
 * Files carry the template's Vietnamese headers, so an export re-imports. Per row the work is O(1):
 * units, suppliers and the tags already taken are read once per file, never per row. CSV works on
 * every runtime; XLSX needs the codec only the Node server has (`deps.xlsx`, see xlsx.ts).
 */

import { parse as parseCsv } from 'csv-parse/browser/esm/sync';
import { stringify as stringifyCsv } from 'csv-stringify/browser/esm/sync';
import { asc, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { ASSET_KINDS, ASSET_STATUSES, type AssetKind, type AssetStatus } from '../../shared/enums.js';
import {
  type AssetCreate,
  type AssetListQuery,
  type AssetView,
  zAssetCreate,
} from '../../shared/schemas/assets.js';
import { vnDate } from '../db/repos/assets.js';
import { allUnits, type UnitRow } from '../db/repos/units.js';
import { assets, suppliers } from '../db/schema.js';
import type { Db } from '../db/write-model.js';
import type { AppDeps } from '../deps.js';
import { type CheckResult, checkRequirement } from '../domain/compliance.js';
import { fold } from '../domain/fold.js';
import { allowed, grantsFor, type Permission } from '../domain/scope.js';
import { ApiError, fail, type Lang } from '../errors.js';
import { generateTag, insertAssets, kindLabelVi, listAssets } from './assets.js';
import { audit } from './audit.js';
import { complianceAfterChange, figuresView, registerSnapshot } from './compliance.js';
import { standardAt } from './equipment-standard.js';
import type { UserPrincipal } from './principal.js';
import { unitForCaller } from './units.js';
// Types only: a value import would make the Workers build bundle exceljs.
import type { CellValue, ColumnFormat, SheetColumn, SheetSpec } from './xlsx.js';

export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 20_000;
/** An export past this asks for a filter: a city's whole register is far below it. */
const EXPORT_MAX_ROWS = 100_000;
/** A file of 20 000 wrong rows would otherwise answer hundreds of thousands of errors. */
const MAX_REPORTED_ERRORS = 1_000;

export type SheetFormat = 'csv' | 'xlsx';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPE = 'text/csv; charset=utf-8';

// ---- the template's columns --------------------------------------------------------------------

type Field =
  | 'assetTag'
  | 'unitCode'
  | 'kind'
  | 'name'
  | 'manufacturer'
  | 'model'
  | 'serial'
  | 'purchasedOn'
  | 'priceVnd'
  | 'fundingSource'
  | 'warrantyUntil'
  | 'supplier'
  | 'status'
  | 'notes';

interface RegisterColumn {
  field: Field;
  /** The template's header (also the `column` of an error when the file has no header of its own). */
  header: string;
  format: ColumnFormat;
  width: number;
  required?: boolean;
  /** Other headers accepted besides the Vietnamese one and the field name. */
  aliases?: string[];
  /** How to fill it in (the template's "Hướng dẫn" sheet). */
  hint: string;
}

export const REGISTER_COLUMNS: readonly RegisterColumn[] = [
  {
    field: 'assetTag',
    header: 'Mã tài sản',
    format: 'text',
    width: 16,
    hint: 'Để trống để hệ thống tự sinh. Chỉ gồm chữ, số, ".", "_", "/" hoặc "-"; không trùng mã đã có.',
  },
  {
    field: 'unitCode',
    header: 'Đơn vị (mã)',
    format: 'text',
    width: 14,
    required: true,
    hint: 'Mã đơn vị trong hệ thống (xem trang Đơn vị); bạn cần quyền ghi sổ thiết bị của đơn vị đó.',
  },
  {
    field: 'kind',
    header: 'Loại',
    format: 'text',
    width: 24,
    required: true,
    hint: 'Tên loại (ví dụ "Máy quét") hoặc mã (scanner); danh sách ở bên dưới.',
  },
  {
    field: 'name',
    header: 'Tên thiết bị',
    format: 'text',
    width: 32,
    required: true,
    hint: 'Tên dễ nhận biết, ví dụ "Máy quét Fujitsu fi-7160 quầy 2".',
  },
  { field: 'manufacturer', header: 'Hãng sản xuất', format: 'text', width: 16, hint: 'Ví dụ Fujitsu, HP.' },
  { field: 'model', header: 'Model', format: 'text', width: 16, hint: 'Ví dụ fi-7160.' },
  {
    field: 'serial',
    header: 'Số sê-ri',
    format: 'text',
    width: 18,
    hint: 'Số in trên nhãn của nhà sản xuất.',
  },
  {
    field: 'purchasedOn',
    header: 'Ngày mua',
    format: 'date',
    width: 12,
    hint: 'Ngày/tháng/năm (01/09/2025) hoặc năm-tháng-ngày (2025-09-01).',
  },
  {
    field: 'priceVnd',
    header: 'Giá (VND)',
    format: 'vnd',
    width: 15,
    hint: 'Số đồng, không có phần lẻ: 12.500.000, 12,500,000 hoặc 12500000.',
  },
  {
    field: 'fundingSource',
    header: 'Nguồn kinh phí',
    format: 'text',
    width: 20,
    hint: 'Ví dụ "Ngân sách xã", "Đề án 06".',
  },
  {
    field: 'warrantyUntil',
    header: 'Bảo hành đến',
    format: 'date',
    width: 13,
    hint: 'Ngày cuối của bảo hành, không trước ngày mua; cùng cách ghi như ngày mua.',
  },
  {
    field: 'supplier',
    header: 'Nhà cung cấp',
    format: 'text',
    width: 26,
    aliases: ['supplierName'],
    hint: 'Tên nhà cung cấp đã có trong danh sách nhà cung cấp (không phân biệt chữ hoa, chữ thường).',
  },
  {
    field: 'status',
    header: 'Trạng thái',
    format: 'text',
    width: 13,
    hint: 'Để trống là "Đang dùng"; các giá trị ở bên dưới. Chỉ thiết bị đang dùng được tính vào tiêu chuẩn.',
  },
  { field: 'notes', header: 'Ghi chú', format: 'text', width: 32, hint: 'Tuỳ ý.' },
];

export const STATUS_LABELS: Record<AssetStatus, string> = {
  in_use: 'Đang dùng',
  broken: 'Hỏng',
  under_repair: 'Đang sửa',
  spare: 'Dự phòng',
  retired: 'Thanh lý',
};

/** Other wordings people use in their own registers. */
const STATUS_ALIASES: Record<string, AssetStatus> = {
  'Đang sử dụng': 'in_use',
  'Hư hỏng': 'broken',
  Hư: 'broken',
  'Đang sửa chữa': 'under_repair',
  'Đã thanh lý': 'retired',
};

/** Headers, kinds and statuses compare without case, diacritics, spaces or punctuation. */
const looseKey = (s: string) => fold(s).replace(/[^a-z0-9]/g, '');

const COLUMN_BY_KEY = new Map<string, RegisterColumn>(
  REGISTER_COLUMNS.flatMap((c) => [c.header, c.field, ...(c.aliases ?? [])].map((h) => [looseKey(h), c])),
);

const KIND_BY_KEY = new Map<string, AssetKind>(
  ASSET_KINDS.flatMap((k) => [
    [looseKey(k), k],
    [looseKey(kindLabelVi(k)), k],
  ]),
);

const STATUS_BY_KEY = new Map<string, AssetStatus>([
  ...ASSET_STATUSES.flatMap((s): [string, AssetStatus][] => [
    [looseKey(s), s],
    [looseKey(STATUS_LABELS[s]), s],
  ]),
  ...Object.entries(STATUS_ALIASES).map(([label, s]): [string, AssetStatus] => [looseKey(label), s]),
]);

// ---- errors ------------------------------------------------------------------------------------

/** One problem of the file: spreadsheet line (header = 1) and the column's header as in the file. */
export interface ImportError {
  line: number;
  column: string;
  message: string;
}

export interface ImportResult {
  rows: number;
  created: number;
  errors: ImportError[];
  /** Only when `errors` was cut at MAX_REPORTED_ERRORS: how many there are in all. */
  errorCount?: number;
}

/** Picks the request's language for a message built on the spot. */
type Say = (vi: string, en: string) => string;
const sayIn =
  (lang: Lang): Say =>
  (vi, en) =>
    lang === 'en' ? en : vi;

function reported(errors: ImportError[]): Pick<ImportResult, 'errors' | 'errorCount'> {
  const sorted = [...errors].sort((a, b) => a.line - b.line);
  return sorted.length > MAX_REPORTED_ERRORS
    ? { errors: sorted.slice(0, MAX_REPORTED_ERRORS), errorCount: sorted.length }
    : { errors: sorted };
}

/** The commit's 422: the contract's `errors` are `{line, column, message}`, not field paths. */
function importRefused(rows: number, errors: ImportError[]): ApiError {
  return fail.invalid(
    {
      vi: `Tệp có ${errors.length} lỗi nên chưa thiết bị nào được nhập; hãy sửa theo danh sách "errors" rồi gửi lại.`,
      en: `The file has ${errors.length} error(s), so nothing was imported; fix them (see "errors") and send it again.`,
    },
    [],
    { rows, created: 0, ...reported(errors) },
  );
}

// ---- who may ------------------------------------------------------------------------------------

/** Import needs `asset.write` somewhere: checked before the body is read. */
export function requireImporter(p: UserPrincipal): void {
  if (grantsFor(p.grants, 'asset.write').length === 0)
    throw fail.forbidden({
      vi: 'Chỉ quản trị viên và cán bộ CNTT được nhập sổ thiết bị.',
      en: 'Only administrators and IT staff may import the equipment register.',
    });
}

/** The widest unit where the caller holds `permission` (the default of a file's scope), if any. */
function widestUnitCode(p: UserPrincipal, permission: Permission): string | undefined {
  return grantsFor(p.grants, permission).sort((a, b) => a.unitPath.length - b.unitPath.length)[0]?.unitCode;
}

export function requireCodec(deps: AppDeps, direction: 'read' | 'write') {
  if (deps.xlsx) return deps.xlsx;
  throw new ApiError(
    'unsupported_media_type',
    direction === 'read'
      ? {
          vi: 'Máy chủ này không đọc được tệp Excel (.xlsx); hãy gửi tệp CSV (content-type: text/csv) — trong Excel chọn "Lưu thành" kiểu "CSV UTF-8".',
          en: 'This server cannot read Excel (.xlsx) files; send a CSV file instead (content-type: text/csv, UTF-8).',
        }
      : {
          vi: 'Máy chủ này không tạo được tệp Excel (.xlsx); hãy tải bản CSV (format=csv).',
          en: 'This server cannot write Excel (.xlsx) files; download the CSV instead (format=csv).',
        },
  );
}

/** The upload's format from its content type (415 for anything else, or XLSX without the codec). */
export function uploadFormat(deps: AppDeps, contentType: string | undefined): SheetFormat {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === XLSX_TYPE) {
    requireCodec(deps, 'read');
    return 'xlsx';
  }
  if (ct === 'text/csv' || ct === 'application/csv') return 'csv';
  throw new ApiError('unsupported_media_type', {
    vi: `Hãy gửi tệp CSV (content-type: text/csv) hoặc Excel .xlsx (content-type: ${XLSX_TYPE}).`,
    en: `Send a CSV file (content-type: text/csv) or an Excel .xlsx file (content-type: ${XLSX_TYPE}).`,
  });
}

// ---- reading a file ----------------------------------------------------------------------------

interface DataRow {
  line: number;
  cells: readonly CellValue[];
}

type SheetRead = { ok: true; lines: CellValue[][] } | { ok: false; errors: ImportError[] };

const fileError = (message: string): SheetRead => ({
  ok: false,
  errors: [{ line: 1, column: '', message }],
});

/** `,` or `;` (Excel in Vietnamese or European settings writes `;`), from the header line. */
function csvDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  return counts['\t'] > counts[','] ? '\t' : ',';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readCsv(bytes: Uint8Array, say: Say): SheetRead {
  let text: string;
  try {
    text = utf8.decode(bytes); // drops a leading BOM
  } catch {
    return fileError(
      say(
        'Tệp CSV không phải mã UTF-8 nên chữ tiếng Việt sẽ bị lỗi; trong Excel hãy chọn "Lưu thành" kiểu "CSV UTF-8 (Comma delimited)" rồi gửi lại.',
        'The CSV file is not UTF-8; save it from Excel as "CSV UTF-8 (Comma delimited)" and send it again.',
      ),
    );
  }
  try {
    const lines = parseCsv(text, {
      delimiter: csvDelimiter(text),
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      // Kept: an empty line is a spreadsheet line, and line numbers must match what people see.
      skip_empty_lines: false,
    }) as string[][];
    return { ok: true, lines };
  } catch (e) {
    const line = ((e as { records?: number }).records ?? 0) + 1;
    return {
      ok: false,
      errors: [
        {
          line,
          column: '',
          message: say(
            `Tệp CSV sai cú pháp từ dòng ${line} (thường do dấu ngoặc kép " chưa đóng); hãy mở tệp bằng Excel, sửa dòng đó rồi lưu lại dạng CSV UTF-8.`,
            `The CSV file is malformed from line ${line} (usually an unclosed quote "); fix that line in Excel and save it as CSV UTF-8 again.`,
          ),
        },
      ],
    };
  }
}

async function readSheet(
  deps: AppDeps,
  format: SheetFormat,
  bytes: Uint8Array,
  say: Say,
): Promise<SheetRead> {
  if (format === 'csv') return readCsv(bytes, say);
  const r = await requireCodec(deps, 'read').readXlsx(bytes);
  if (r.ok) return { ok: true, lines: r.rows };
  if (r.reason === 'too_large')
    throw new ApiError('payload_too_large', {
      vi: 'Tệp Excel giải nén ra quá lớn; hãy chia thành nhiều tệp hoặc xoá các trang tính không cần thiết.',
      en: 'The Excel file unpacks to too much data; split it or remove the sheets you do not need.',
    });
  return fileError(
    say(
      'Không đọc được tệp Excel: tệp không phải .xlsx hoặc bị hỏng. Hãy mở bằng Excel, "Lưu thành" kiểu "Sổ làm việc Excel (.xlsx)" rồi gửi lại.',
      'The Excel file cannot be read: it is not an .xlsx workbook or it is damaged. Save it again as an .xlsx workbook.',
    ),
  );
}

/** A leading `'` that an export put before `=`, `+`, `-` or `@` (so Excel shows text, not a formula). */
const FORMULA_GUARD = /^'(?=[=+\-@])/;

/** A cell as text: trimmed; a date as YYYY-MM-DD; a number as written. */
function cellText(v: CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return isoDay(v);
  return String(v).trim().replace(FORMULA_GUARD, '');
}

const isBlank = (cells: readonly CellValue[]) => cells.every((v) => cellText(v) === '');

// ---- the header ---------------------------------------------------------------------------------

/** Where each field is in the file, under which header text. */
type HeaderMap = Map<Field, { index: number; title: string }>;

function mapHeader(header: readonly CellValue[], say: Say): { map: HeaderMap; errors: ImportError[] } {
  const map: HeaderMap = new Map();
  const errors: ImportError[] = [];
  header.forEach((cell, index) => {
    const title = cellText(cell);
    if (!title) return;
    const col = COLUMN_BY_KEY.get(looseKey(title));
    if (!col)
      errors.push({
        line: 1,
        column: title,
        message: say(
          `Cột "${title}" không có trong mẫu; hãy đổi tên cột theo mẫu (ví dụ "${REGISTER_COLUMNS[1]!.header}", "${REGISTER_COLUMNS[2]!.header}") hoặc xoá cột này.`,
          `Column "${title}" is not in the template; rename it as in the template (e.g. "${REGISTER_COLUMNS[1]!.header}") or remove it.`,
        ),
      });
    else if (map.has(col.field))
      errors.push({
        line: 1,
        column: title,
        message: say(
          `Cột "${title}" lặp lại cột "${map.get(col.field)!.title}"; hãy giữ một cột.`,
          `Column "${title}" repeats column "${map.get(col.field)!.title}"; keep one of them.`,
        ),
      });
    else map.set(col.field, { index, title });
  });
  for (const col of REGISTER_COLUMNS)
    if (col.required && !map.has(col.field))
      errors.push({
        line: 1,
        column: col.header,
        message: say(
          `Thiếu cột bắt buộc "${col.header}"; hãy thêm cột này vào dòng tiêu đề (dòng 1) như trong mẫu.`,
          `The required column "${col.header}" is missing; add it to the header line (line 1) as in the template.`,
        ),
      });
  return { map, errors };
}

// ---- values -------------------------------------------------------------------------------------

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Excel counts days from 1899-12-30 (its 1900 leap-year bug included). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

function calendarDay(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2100) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return isoDay(t);
}

/** A day from a date cell, an Excel day number, `YYYY-MM-DD` or `dd/mm/yyyy`; null when it is none. */
export function parseDay(v: CellValue | undefined): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : isoDay(v);
  if (typeof v === 'number')
    return Number.isInteger(v) && v > 0 && v < 73_051
      ? isoDay(new Date(EXCEL_EPOCH_MS + v * 86_400_000))
      : null;
  const s = cellText(v);
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return calendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return calendarDay(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

/** Whole đồng from 12.500.000, 12,500,000, 12 500 000, 12500000 (an optional "đ"/"VND"); null otherwise. */
export function parseVnd(v: CellValue | undefined): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  const s = cellText(v)
    .replace(/\s|\u00a0/g, '')
    .replace(/(đ|₫|vnd|vnđ|đồng)$/i, '');
  let digits: string | undefined;
  if (/^\d+$/.test(s)) digits = s;
  else if (/^\d{1,3}(\.\d{3})+$/.test(s)) digits = s.replace(/\./g, '');
  else if (/^\d{1,3}(,\d{3})+$/.test(s)) digits = s.replace(/,/g, '');
  if (digits === undefined) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}

const supplierKey = (s: string) => s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();

// ---- validating rows ----------------------------------------------------------------------------

type SupplierRow = typeof suppliers.$inferSelect;

/** What rows are checked against, read once per file. */
interface Refs {
  units: Map<string, UnitRow>;
  /** `null`: two suppliers share the name (the file cannot say which). */
  suppliers: Map<string, SupplierRow | null>;
  /** Tags of the file already in the register (lower case). */
  taken: Set<string>;
}

type ImportInput = Omit<AssetCreate, 'unitCode' | 'status'> & { status: AssetStatus };

interface Candidate {
  line: number;
  unit: UnitRow;
  input: ImportInput;
}

/** Tags already used, of those the file names: chunks of 90 (D1 binds at most 100 parameters). */
async function takenTags(db: Db, tags: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < tags.length; i += 90) {
    const chunk = tags.slice(i, i + 90);
    const rows = await db
      .select({ tag: assets.assetTag })
      .from(assets)
      .where(
        sql`${assets.assetTag} COLLATE NOCASE IN (${sql.join(
          chunk.map((t) => sql`${t}`),
          sql`, `,
        )})`,
      );
    for (const r of rows) out.add(r.tag.toLowerCase());
  }
  return out;
}

async function loadRefs(db: Db, rows: readonly DataRow[], header: HeaderMap): Promise<Refs> {
  const tagAt = header.get('assetTag')?.index;
  const tags =
    tagAt === undefined
      ? []
      : [...new Set(rows.map((r) => cellText(r.cells[tagAt]).toLowerCase()).filter(Boolean))];
  const [unitRows, supplierRows, taken] = await Promise.all([
    allUnits(db),
    db.select().from(suppliers).orderBy(asc(suppliers.name)),
    takenTags(db, tags),
  ]);
  const supplierMap = new Map<string, SupplierRow | null>();
  for (const s of supplierRows) {
    const k = supplierKey(s.name);
    supplierMap.set(k, supplierMap.has(k) ? null : s);
  }
  return { units: new Map(unitRows.map((u) => [u.code.toLowerCase(), u])), suppliers: supplierMap, taken };
}

interface RowContext {
  p: UserPrincipal;
  refs: Refs;
  header: HeaderMap;
  say: Say;
  /** Tags seen so far in the file (lower case) → their line. */
  seen: Map<string, number>;
}

/** The message for a schema issue, naming the column and what to do. */
function issueMessage(issue: z.core.$ZodIssue, column: string, say: Say): string {
  if (issue.code === 'too_big' && issue.origin === 'string')
    return say(
      `"${column}" dài quá ${issue.maximum} ký tự; hãy rút gọn.`,
      `"${column}" is longer than ${issue.maximum} characters; shorten it.`,
    );
  if (issue.code === 'too_big')
    return say(
      `"${column}" vượt quá ${Number(issue.maximum).toLocaleString('vi-VN')}; hãy kiểm tra lại số.`,
      `"${column}" is over ${issue.maximum}; check the number.`,
    );
  if (issue.code === 'too_small')
    return say(`"${column}" không được để trống.`, `"${column}" must not be empty.`);
  if (issue.code === 'invalid_format')
    return say(
      `"${column}" chỉ gồm chữ không dấu, số, ".", "_", "/" hoặc "-", bắt đầu bằng chữ hoặc số; hãy sửa hoặc để trống để hệ thống tự sinh.`,
      `"${column}" may hold only letters, digits, ".", "_", "/" or "-", starting with a letter or digit; fix it or leave it empty.`,
    );
  return say(
    `"${column}" không hợp lệ; hãy ghi theo mẫu.`,
    `"${column}" is not valid; fill it in as in the template.`,
  );
}

/** One row's cells by field, and where its problems go (each names the column as in the file). */
interface RowReader {
  line: number;
  raw(f: Field): CellValue | undefined;
  text(f: Field): string;
  column(f: Field): string;
  problem(f: Field, vi: string, en: string): void;
  /** Fields already reported: the schema's own complaint about them would repeat ours. */
  bad: Set<Field>;
  errors: ImportError[];
}

const HEADER_OF = new Map(REGISTER_COLUMNS.map((c) => [c.field, c.header]));

function rowReader(row: DataRow, ctx: RowContext): RowReader {
  const errors: ImportError[] = [];
  const bad = new Set<Field>();
  const raw = (f: Field) => {
    const h = ctx.header.get(f);
    return h ? row.cells[h.index] : undefined;
  };
  const column = (f: Field) => ctx.header.get(f)?.title ?? HEADER_OF.get(f) ?? f;
  return {
    line: row.line,
    raw,
    text: (f) => cellText(raw(f)),
    column,
    problem(f, vi, en) {
      bad.add(f);
      errors.push({ line: row.line, column: column(f), message: ctx.say(vi, en) });
    },
    bad,
    errors,
  };
}

/** The row's unit: it exists (for this caller) and the caller may keep its register. */
function rowUnit(r: RowReader, ctx: RowContext): UnitRow | undefined {
  const code = r.text('unitCode');
  const col = r.column('unitCode');
  if (!code) {
    r.problem(
      'unitCode',
      `"${col}" không được để trống; hãy ghi mã đơn vị của thiết bị.`,
      `"${col}" must not be empty; write the unit code.`,
    );
    return undefined;
  }
  const u = ctx.refs.units.get(code.toLowerCase());
  // The same rules as unitForCaller: a unit the caller cannot even read does not exist for them.
  if (!u || !allowed(ctx.p.grants, 'unit.read', u)) {
    r.problem(
      'unitCode',
      `Không tìm thấy đơn vị "${code}"; hãy ghi đúng mã đơn vị như trong hệ thống.`,
      `Unit "${code}" not found; write the unit code exactly as in the system.`,
    );
    return undefined;
  }
  if (!allowed(ctx.p.grants, 'asset.write', u)) {
    r.problem(
      'unitCode',
      `Bạn không có quyền ghi sổ thiết bị của đơn vị "${u.code}"; hãy bỏ dòng này hoặc nhờ cán bộ CNTT phụ trách đơn vị đó nhập.`,
      `You may not change the register of unit "${u.code}"; remove this line or ask that unit's IT staff.`,
    );
    return undefined;
  }
  return u;
}

/** The kind, by code or Vietnamese label. */
function rowKind(r: RowReader): AssetKind | undefined {
  const t = r.text('kind');
  const col = r.column('kind');
  const kind = KIND_BY_KEY.get(looseKey(t));
  if (!t)
    r.problem(
      'kind',
      `"${col}" không được để trống; hãy ghi loại thiết bị, ví dụ "Máy quét" hoặc scanner.`,
      `"${col}" must not be empty; write the kind, e.g. "Máy quét" or scanner.`,
    );
  else if (!kind)
    r.problem(
      'kind',
      `Loại "${t}" không có trong danh sách; hãy ghi một loại trong trang "Hướng dẫn" của tệp mẫu (ví dụ "Máy quét" hoặc scanner).`,
      `Kind "${t}" is not known; use one listed on the template's "Hướng dẫn" sheet (e.g. scanner).`,
    );
  return kind;
}

/** The status, by code or label; empty is in use. */
function rowStatus(r: RowReader): AssetStatus | undefined {
  const t = r.text('status');
  if (!t) return 'in_use';
  const status = STATUS_BY_KEY.get(looseKey(t));
  if (!status)
    r.problem(
      'status',
      `Trạng thái "${t}" không hợp lệ; hãy ghi một trong: ${Object.values(STATUS_LABELS).join(', ')} (để trống là Đang dùng).`,
      `Status "${t}" is not valid; use one of: ${ASSET_STATUSES.join(', ')} (empty means in_use).`,
    );
  return status;
}

function rowDay(r: RowReader, f: 'purchasedOn' | 'warrantyUntil'): string | undefined {
  if (r.text(f) === '') return undefined;
  const d = parseDay(r.raw(f));
  if (d === null)
    r.problem(
      f,
      `"${r.column(f)}" "${r.text(f)}" không phải ngày hợp lệ; hãy ghi ngày/tháng/năm, ví dụ 01/09/2025, hoặc 2025-09-01.`,
      `"${r.column(f)}" "${r.text(f)}" is not a valid date; write dd/mm/yyyy (01/09/2025) or yyyy-mm-dd.`,
    );
  return d ?? undefined;
}

/** Purchase and warranty dates, the warranty not ending before the purchase. */
function rowDates(r: RowReader): { purchasedOn?: string; warrantyUntil?: string } {
  const purchasedOn = rowDay(r, 'purchasedOn');
  const warrantyUntil = rowDay(r, 'warrantyUntil');
  if (purchasedOn && warrantyUntil && warrantyUntil < purchasedOn)
    r.problem(
      'warrantyUntil',
      `"${r.column('warrantyUntil')}" (${dmy(warrantyUntil)}) trước ngày mua (${dmy(purchasedOn)}); hãy kiểm tra lại hai ngày.`,
      `"${r.column('warrantyUntil')}" (${warrantyUntil}) is before the purchase date (${purchasedOn}); check both dates.`,
    );
  return { purchasedOn, warrantyUntil };
}

function rowPrice(r: RowReader): number | undefined {
  const t = r.text('priceVnd');
  if (t === '') return undefined;
  const n = parseVnd(r.raw('priceVnd'));
  if (n === null)
    r.problem(
      'priceVnd',
      `"${r.column('priceVnd')}" "${t}" không phải số tiền hợp lệ; hãy ghi số đồng không có phần lẻ, ví dụ 12.500.000.`,
      `"${r.column('priceVnd')}" "${t}" is not an amount; write whole đồng, e.g. 12500000.`,
    );
  return n ?? undefined;
}

/** The supplier's id, from a name known in the supplier list. */
function rowSupplier(r: RowReader, ctx: RowContext): string | undefined {
  const name = r.text('supplier');
  if (!name) return undefined;
  const s = ctx.refs.suppliers.get(supplierKey(name));
  if (s === undefined)
    r.problem(
      'supplier',
      `Không có nhà cung cấp "${name}" trong danh sách nhà cung cấp; hãy thêm nhà cung cấp trước hoặc sửa tên cho đúng.`,
      `There is no supplier "${name}"; add the supplier first or correct the name.`,
    );
  else if (s === null)
    r.problem(
      'supplier',
      `Có nhiều nhà cung cấp cùng tên "${name}"; hãy đặt tên phân biệt trong danh sách nhà cung cấp.`,
      `Several suppliers are named "${name}"; give them distinct names first.`,
    );
  return s?.id;
}

/** The tag, if given: not repeated in the file, not in the register already. */
function rowTag(r: RowReader, ctx: RowContext): string | undefined {
  const tag = r.text('assetTag');
  if (!tag) return undefined;
  const k = tag.toLowerCase();
  const first = ctx.seen.get(k);
  if (first !== undefined) {
    r.problem(
      'assetTag',
      `Mã tài sản "${tag}" trùng với dòng ${first}; mỗi thiết bị cần một mã riêng (hoặc để trống để hệ thống tự sinh).`,
      `Asset tag "${tag}" repeats line ${first}; each asset needs its own tag (or leave it empty).`,
    );
    return tag;
  }
  ctx.seen.set(k, r.line);
  if (ctx.refs.taken.has(k))
    r.problem(
      'assetTag',
      `Mã tài sản "${tag}" đã được dùng cho thiết bị khác trong sổ; hãy chọn mã khác hoặc để trống để hệ thống tự sinh.`,
      `Asset tag "${tag}" is already used in the register; choose another or leave it empty.`,
    );
  return tag;
}

/** The shared schema's complaints (lengths, the tag's characters, an empty name) not already made. */
function schemaProblems(r: RowReader, issues: readonly z.core.$ZodIssue[], say: Say): void {
  for (const issue of issues) {
    const f = issue.path[0] as Field;
    if (r.bad.has(f)) continue;
    const col = r.column(f);
    if (f === 'name' && issue.code === 'too_small')
      r.problem(
        'name',
        `"${col}" không được để trống; hãy ghi tên thiết bị, ví dụ "Máy quét Fujitsu fi-7160".`,
        `"${col}" must not be empty; write the asset's name.`,
      );
    else {
      r.bad.add(f);
      r.errors.push({ line: r.line, column: col, message: issueMessage(issue, col, say) });
    }
  }
}

/** Checks one row: every problem of it, or what to insert. */
function checkRow(row: DataRow, ctx: RowContext): { candidate?: Candidate; errors: ImportError[] } {
  const r = rowReader(row, ctx);
  const unit = rowUnit(r, ctx);
  const kind = rowKind(r);
  const status = rowStatus(r);
  const optional = (f: Field) => r.text(f) || undefined;
  const parsed = zAssetCreate.safeParse({
    // Placeholders where the row is already known to be wrong: the schema checks the rest.
    unitCode: unit?.code ?? 'x',
    kind: kind ?? 'other',
    status: status ?? 'in_use',
    name: r.text('name'),
    assetTag: rowTag(r, ctx),
    manufacturer: optional('manufacturer'),
    model: optional('model'),
    serial: optional('serial'),
    ...rowDates(r),
    priceVnd: rowPrice(r),
    fundingSource: optional('fundingSource'),
    supplierId: rowSupplier(r, ctx),
    notes: optional('notes'),
  });
  if (!parsed.success) schemaProblems(r, parsed.error.issues, ctx.say);
  if (r.errors.length > 0 || !parsed.success || !unit) return { errors: r.errors };
  const { unitCode: _u, ...input } = parsed.data;
  return { candidate: { line: row.line, unit, input }, errors: [] };
}

const dmy = (iso: string) => iso.split('-').reverse().join('/');

async function checkRows(
  db: Db,
  p: UserPrincipal,
  rows: readonly DataRow[],
  header: HeaderMap,
  say: Say,
): Promise<{ candidates: Candidate[]; errors: ImportError[] }> {
  const refs = await loadRefs(db, rows, header);
  const ctx: RowContext = { p, refs, header, say, seen: new Map() };
  const candidates: Candidate[] = [];
  const errors: ImportError[] = [];
  for (const row of rows) {
    const r = checkRow(row, ctx);
    if (r.candidate) candidates.push(r.candidate);
    errors.push(...r.errors);
  }
  return { candidates, errors };
}

// ---- import -------------------------------------------------------------------------------------

/** A generated tag not used by another row of the file (one in the register re-runs the write). */
function freshTag(kind: AssetKind, used: Set<string>): string {
  for (;;) {
    const t = generateTag(kind);
    if (!used.has(t.toLowerCase())) {
      used.add(t.toLowerCase());
      return t;
    }
  }
}

/** The lines of a file: the header and the non-empty data lines (413 past IMPORT_MAX_ROWS). */
function splitLines(lines: CellValue[][]): { header: CellValue[]; rows: DataRow[] } {
  const rows: DataRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!;
    if (!isBlank(cells)) rows.push({ line: i + 1, cells });
  }
  if (rows.length > IMPORT_MAX_ROWS)
    throw new ApiError('payload_too_large', {
      vi: `Tệp có ${rows.length.toLocaleString('vi-VN')} dòng dữ liệu, vượt quá ${IMPORT_MAX_ROWS.toLocaleString('vi-VN')} dòng mỗi lần nhập; hãy chia thành nhiều tệp.`,
      en: `The file has ${rows.length} data lines, more than ${IMPORT_MAX_ROWS} per import; split it into several files.`,
    });
  return { header: lines[0] ?? [], rows };
}

/** What is wrong with the file as a whole (no header, unknown or missing columns, no data), if anything. */
function fileProblems(
  header: CellValue[],
  rows: readonly DataRow[],
  mapped: { errors: ImportError[] },
  say: Say,
) {
  if (isBlank(header))
    return [
      {
        line: 1,
        column: '',
        message: say(
          'Dòng 1 phải là dòng tiêu đề của mẫu (Mã tài sản, Đơn vị (mã), Loại, …); hãy tải tệp mẫu và dán dữ liệu vào dưới dòng tiêu đề.',
          'Line 1 must be the template’s header line; download the template and paste your data below its header.',
        ),
      },
    ];
  if (mapped.errors.length > 0) return mapped.errors;
  if (rows.length === 0)
    return [
      {
        line: 2,
        column: '',
        message: say(
          'Tệp không có dòng dữ liệu nào; hãy ghi mỗi thiết bị một dòng, bắt đầu từ dòng 2.',
          'The file has no data lines; write one asset per line from line 2 on.',
        ),
      },
    ];
  return [];
}

/** Every row in ONE write (all or nothing), audited once; 422 when a row fails at commit. */
async function commitRows(
  deps: AppDeps,
  p: UserPrincipal,
  rows: readonly DataRow[],
  header: HeaderMap,
  format: SheetFormat,
  say: Say,
): Promise<{ created: number; unitCodes: string[] }> {
  return deps.store.write(
    async (tx) => {
      // Checked again inside the write: its reads are the committed data the batch is decided on.
      const checked = await checkRows(tx, p, rows, header, say);
      if (checked.errors.length > 0) throw importRefused(rows.length, checked.errors);
      const used = new Set(
        checked.candidates.flatMap((c) => (c.input.assetTag ? [c.input.assetTag.toLowerCase()] : [])),
      );
      await insertAssets(
        tx,
        deps,
        checked.candidates.map((c) => ({
          unit: c.unit,
          input: { ...c.input, assetTag: c.input.assetTag ?? freshTag(c.input.kind, used) },
          note: `nhập từ tệp ${format.toUpperCase()}, dòng ${c.line}`,
        })),
        { userId: p.userId, ip: p.ip ?? null },
      );
      const unitCodes = [...new Set(checked.candidates.map((c) => c.unit.code))].sort();
      await audit(tx, {
        at: deps.clock.now(),
        actorId: p.userId,
        actorKind: 'user',
        action: 'asset.import',
        targetType: 'asset',
        data: { count: checked.candidates.length, format, units: unitCodes },
        ip: p.ip ?? null,
      });
      return { created: checked.candidates.length, unitCodes };
    },
    { label: 'asset.import' },
  );
}

/**
 * Imports a register file. A dry run reports every row's errors and creates nothing; a commit creates
 * every row or none (any error: 422 with the same `errors`), then lets compliance resolve what the
 * new equipment meets.
 */
export async function importRegister(
  deps: AppDeps,
  p: UserPrincipal,
  upload: { format: SheetFormat; bytes: Uint8Array },
  opts: { dryRun: boolean; lang: Lang },
): Promise<ImportResult> {
  requireImporter(p);
  const say = sayIn(opts.lang);
  const refuse = (rows: number, errors: ImportError[]): ImportResult => {
    if (!opts.dryRun) throw importRefused(rows, errors);
    return { rows, created: 0, ...reported(errors) };
  };
  const read = await readSheet(deps, upload.format, upload.bytes, say);
  if (!read.ok) return refuse(0, read.errors);
  const { header, rows } = splitLines(read.lines);
  const mapped = mapHeader(header, say);
  const problems = fileProblems(header, rows, mapped, say);
  if (problems.length > 0) return refuse(rows.length, problems);
  if (opts.dryRun) {
    const checked = await checkRows(deps.store.read, p, rows, mapped.map, say);
    return { rows: rows.length, created: 0, ...reported(checked.errors) };
  }
  const done = await commitRows(deps, p, rows, mapped.map, upload.format, say);
  await complianceAfterChange(deps, done.unitCodes);
  return { rows: rows.length, created: done.created, errors: [] };
}

// ---- writing files ------------------------------------------------------------------------------

export interface SheetFile {
  bytes: Uint8Array;
  contentType: string;
  filename: string;
}

/** Text Excel would run as a formula gets a leading `'` (removed again on import). */
const csvSafe = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

function csvCell(v: CellValue, format: ColumnFormat | undefined): string {
  if (v === null) return '';
  if (v instanceof Date) return isoDay(v);
  if (typeof v === 'string') return format === 'text' || format === undefined ? csvSafe(v) : v;
  return String(v);
}

const utf8Out = new TextEncoder();

/** The first sheet as CSV: UTF-8 with a BOM (Excel reads Vietnamese right only with it), CRLF lines. */
function toCsv(sheet: SheetSpec): Uint8Array {
  const records = [
    sheet.columns.map((c) => c.header),
    ...sheet.rows.map((r) => r.map((v, i) => csvCell(v, sheet.columns[i]?.format))),
  ];
  return utf8Out.encode(`\uFEFF${stringifyCsv(records, { record_delimiter: 'windows' })}`);
}

async function sheetFile(
  deps: AppDeps,
  format: SheetFormat,
  sheets: SheetSpec[],
  basename: string,
): Promise<SheetFile> {
  if (format === 'csv')
    return { bytes: toCsv(sheets[0]!), contentType: CSV_TYPE, filename: `${basename}.csv` };
  const bytes = await requireCodec(deps, 'write').writeXlsx(sheets);
  return { bytes, contentType: XLSX_TYPE, filename: `${basename}.xlsx` };
}

/** A unit code as part of a file name (codes are ASCII; anything else becomes "-"). */
const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '-');

const dayCell = (iso: string | null) => (iso ? new Date(`${iso}T00:00:00Z`) : null);

const registerColumns = (): SheetColumn[] =>
  REGISTER_COLUMNS.map((c) => ({ header: c.header, width: c.width, format: c.format }));

function registerRow(a: AssetView): CellValue[] {
  return [
    a.assetTag,
    a.unitCode,
    kindLabelVi(a.kind),
    a.name,
    a.manufacturer,
    a.model,
    a.serial,
    dayCell(a.purchasedOn),
    a.priceVnd,
    a.fundingSource,
    dayCell(a.warrantyUntil),
    a.supplier?.name ?? null,
    STATUS_LABELS[a.status],
    a.notes,
  ];
}

export type RegisterFilter = Pick<AssetListQuery, 'unit' | 'kind' | 'status' | 'q'>;

/** The whole register in the caller's scope (every page), in the template's columns. */
export async function exportRegister(
  deps: AppDeps,
  p: UserPrincipal,
  filter: RegisterFilter,
  format: SheetFormat,
): Promise<SheetFile> {
  if (format === 'xlsx') requireCodec(deps, 'write');
  const scope = filter.unit ?? widestUnitCode(p, 'asset.read');
  if (!scope) throw fail.forbidden();
  const items: AssetView[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAssets(deps, p, { ...filter, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length <= EXPORT_MAX_ROWS);
  if (items.length > EXPORT_MAX_ROWS)
    throw fail.invalid({
      vi: `Sổ có hơn ${EXPORT_MAX_ROWS.toLocaleString('vi-VN')} thiết bị; hãy lọc theo đơn vị, loại hoặc trạng thái rồi tải từng phần.`,
      en: `The register holds more than ${EXPORT_MAX_ROWS} assets; filter by unit, kind or status and export in parts.`,
    });
  items.sort((a, b) => a.unitCode.localeCompare(b.unitCode) || a.assetTag.localeCompare(b.assetTag));
  return sheetFile(
    deps,
    format,
    [{ name: 'Sổ thiết bị', columns: registerColumns(), rows: items.map(registerRow) }],
    `so-thiet-bi-${fileSafe(scope)}-${vnDate(deps.clock.now())}`,
  );
}

/** The guide sheet: how to fill in each column, then every kind and status with its code. */
function guideSheet(): SheetSpec {
  const rows: CellValue[][] = [
    ...REGISTER_COLUMNS.map((c) => [
      'Cột',
      c.header,
      c.field,
      `${c.required ? 'Bắt buộc. ' : 'Không bắt buộc. '}${c.hint}`,
    ]),
    ...ASSET_KINDS.map((k) => ['Loại', kindLabelVi(k), k, 'Ghi tên hoặc mã trong cột "Loại".']),
    ...ASSET_STATUSES.map((s) => [
      'Trạng thái',
      STATUS_LABELS[s],
      s,
      s === 'in_use' ? 'Mặc định khi để trống.' : 'Không được tính vào tiêu chuẩn trang thiết bị.',
    ]),
  ];
  return {
    name: 'Hướng dẫn',
    columns: [
      { header: 'Mục', width: 12 },
      { header: 'Giá trị', width: 28 },
      { header: 'Mã', width: 16 },
      { header: 'Cách ghi', width: 90 },
    ],
    rows,
  };
}

/** The import template: the headers, one example row and (XLSX) the guide sheet. */
export async function importTemplate(
  deps: AppDeps,
  p: UserPrincipal,
  format: SheetFormat,
): Promise<SheetFile> {
  if (format === 'xlsx') requireCodec(deps, 'write');
  const unitCode =
    widestUnitCode(p, 'asset.write') ?? widestUnitCode(p, 'asset.read') ?? deps.config.rootUnitCode;
  const example: CellValue[] = [
    '',
    unitCode,
    kindLabelVi('scanner'),
    'Máy quét Fujitsu fi-7160 quầy 1',
    'Fujitsu',
    'fi-7160',
    'A1B2C3D4',
    dayCell('2025-09-01'),
    18_500_000,
    'Ngân sách xã',
    dayCell('2027-09-01'),
    null,
    STATUS_LABELS.in_use,
    'Dòng ví dụ: hãy sửa hoặc xoá trước khi nhập.',
  ];
  const sheets: SheetSpec[] = [{ name: 'Sổ thiết bị', columns: registerColumns(), rows: [example] }];
  if (format === 'xlsx') sheets.push(guideSheet());
  return sheetFile(deps, format, sheets, 'mau-so-thiet-bi');
}

// ---- compliance export --------------------------------------------------------------------------

function verdict(r: CheckResult): string {
  if (r.met) return 'Đạt';
  return r.reason === 'missing_data' ? 'Thiếu số liệu' : 'Chưa đạt';
}

const vnTime = (d: Date) =>
  `${dmy(vnDate(d))} ${new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(11, 16)} (giờ Việt Nam)`;

/**
 * The compliance figures as a workbook: one row per counter unit and requirement (có, cần, kết quả)
 * and a summary sheet (CSV: the detail sheet only). Scope, default unit and "now or history" follow
 * complianceFigures; the rows and the summary come from one snapshot, so they always agree.
 */
export async function exportCompliance(
  deps: AppDeps,
  p: UserPrincipal,
  q: { unit?: string | undefined; at?: string | undefined },
  format: SheetFormat,
): Promise<SheetFile> {
  if (format === 'xlsx') requireCodec(deps, 'write');
  const db = deps.store.read;
  const now = deps.clock.now();
  const code = q.unit ?? widestUnitCode(p, 'asset.read');
  if (!code) throw fail.forbidden();
  const top = await unitForCaller(db, p, code, 'asset.read');
  const at = q.at ? new Date(q.at) : now;
  const live = !q.at || Math.abs(at.getTime() - now.getTime()) < 1000; // as complianceFigures
  const [standard, snap] = await Promise.all([standardAt(db, at), registerSnapshot(db, top, at, live)]);
  const view = figuresView(standard, top, at, snap);

  const detail: CellValue[][] = [];
  for (const u of snap.units)
    for (const r of standard.requirements) {
      const res = checkRequirement(r, u, snap.inUse.get(u.id));
      detail.push([u.code, u.name, r.title.vi, res.have, res.need, verdict(res)]);
    }
  const summary: CellValue[][] = view.requirements.map((r) => [
    r.title.vi,
    r.legalBasis || null,
    r.metUnits,
    r.failing.filter((f) => f.reason === 'shortfall').length,
    r.failing.filter((f) => f.reason === 'missing_data').length,
    r.totalUnits,
  ]);
  summary.push(
    [
      'Đạt mọi yêu cầu',
      null,
      view.fullyCompliantUnits,
      view.units - view.fullyCompliantUnits,
      null,
      view.units,
    ],
    [null, null, null, null, null, null],
    ['Đơn vị', `${view.unitCode} – ${view.unitName}`, null, null, null, null],
    ['Thời điểm', vnTime(at), null, null, null, null],
    ['Tiêu chuẩn', `phiên bản ${view.standardVersion}`, null, null, null, null],
  );
  const sheets: SheetSpec[] = [
    {
      name: 'Chi tiết',
      columns: [
        { header: 'Mã đơn vị', width: 14 },
        { header: 'Tên đơn vị', width: 30 },
        { header: 'Yêu cầu', width: 44 },
        { header: 'Có', width: 8, format: 'number' },
        { header: 'Cần', width: 8, format: 'number' },
        { header: 'Kết quả', width: 15 },
      ],
      rows: detail,
    },
    {
      name: 'Tổng hợp',
      columns: [
        { header: 'Yêu cầu', width: 44 },
        { header: 'Căn cứ', width: 40 },
        { header: 'Số đơn vị đạt', width: 14, format: 'number' },
        { header: 'Chưa đạt', width: 10, format: 'number' },
        { header: 'Thiếu số liệu', width: 14, format: 'number' },
        { header: 'Tổng số đơn vị', width: 15, format: 'number' },
      ],
      rows: summary,
    },
  ];
  return sheetFile(deps, format, sheets, `tuan-thu-thiet-bi-${fileSafe(top.code)}-${vnDate(at)}`);
}
