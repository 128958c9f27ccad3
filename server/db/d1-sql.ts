/**
 * Reads the shape of the SQL that drizzle's sqlite dialect emits, for the D1 write recorder
 * (see d1.ts and docs/adr/0200-d1-store.md): is a statement a read or a write, which table does it
 * write, and — for a write with RETURNING — how to predict its result with a SELECT before it runs
 * and how to guard, inside the commit batch, that the write returns exactly that prediction.
 *
 * It is not a SQL parser: it tokenises just enough (quotes, parentheses, `?` placeholders, keywords
 * at the top level) to cut drizzle's regular output into clauses. Anything it does not recognise
 * is reported as unsupported, never guessed.
 */

export type StatementClass = 'read' | 'write' | 'other';

export interface Piece {
  text: string;
  params: unknown[];
}

export interface WriteShape {
  kind: 'insert' | 'update' | 'delete';
  table: string;
  /** Column names of RETURNING, or undefined when the statement has none. */
  returning?: string[];
}

export interface Prediction {
  /**
   * A SELECT yielding one row `{j}`: the JSON array of what the write's RETURNING would give now,
   * each item `[...returning values, rowid]`. Absent when the rows can be computed without a query.
   */
  query?: Piece;
  /** Rows computed locally (INSERT … VALUES of plain placeholders), in RETURNING order. */
  rows?: unknown[][];
  /** For UPDATE/DELETE: builds the guard statement that fails the batch unless `j` still holds. */
  guard?: (j: string) => Piece;
}

export class UnsupportedSql extends Error {}

interface Scan {
  /** Top-level (paren depth 0, outside quotes) lower-cased words with their offsets. */
  words: { w: string; at: number; end: number }[];
  /** Offsets of top-level commas. */
  commas: number[];
  /** Offsets of every `?` placeholder (any depth), in order. */
  params: number[];
}

function scan(sql: string): Scan {
  const words: Scan['words'] = [];
  const commas: number[] = [];
  const params: number[] = [];
  let depth = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      // Quoted string or identifier; a doubled quote is an escaped quote.
      let j = i + 1;
      for (;;) {
        if (j >= n) throw new UnsupportedSql('unterminated quote');
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      i = j + 1;
    } else if (ch === '[') {
      const j = sql.indexOf(']', i);
      if (j < 0) throw new UnsupportedSql('unterminated bracket identifier');
      i = j + 1;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      i = j < 0 ? n : j + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      i = j < 0 ? n : j + 2;
    } else if (ch === '(') {
      depth++;
      i++;
    } else if (ch === ')') {
      depth--;
      i++;
    } else if (ch === '?') {
      if (/[0-9]/.test(sql[i + 1] ?? '')) throw new UnsupportedSql('numbered placeholders');
      params.push(i);
      i++;
    } else if (ch === ',') {
      if (depth === 0) commas.push(i);
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      if (depth === 0) words.push({ w: sql.slice(i, j).toLowerCase(), at: i, end: j });
      i = j;
    } else if (ch === ':' || ch === '@' || (ch === '$' && /[A-Za-z]/.test(sql[i + 1] ?? ''))) {
      throw new UnsupportedSql('named placeholders');
    } else i++;
  }
  return { words, commas, params };
}

export function classify(sql: string): StatementClass {
  const s = scan(sql);
  const first = s.words[0]?.w;
  if (first === 'select') return 'read';
  if (first === 'with') {
    // A CTE in front of a write is a write (drizzle emits it only for selects, but be exact): the
    // first top-level verb after the CTE definitions decides.
    const verb = s.words.find((x) => ['select', 'insert', 'update', 'delete', 'replace'].includes(x.w));
    return verb?.w === 'select' ? 'read' : verb ? 'write' : 'other';
  }
  if (first === 'insert' || first === 'update' || first === 'delete' || first === 'replace') return 'write';
  return 'other';
}

/** `"name"` → `name`; anything else is not a plain identifier. */
function unquote(id: string): string | undefined {
  const m = /^\s*"((?:[^"]|"")+)"\s*$/.exec(id) ?? /^\s*`((?:[^`]|``)+)`\s*$/.exec(id);
  return m ? m[1]!.replace(/""/g, '"').replace(/``/g, '`') : undefined;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The name of the table right after `at` (`"t"`, `` `t` `` or a bare word). */
function tableAfter(sql: string, at: number): { name: string; end: number } {
  const m = /^\s*("(?:[^"]|"")+"|`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(at));
  if (!m) throw new UnsupportedSql('table name not found');
  const raw = m[1]!;
  return { name: unquote(raw) ?? raw, end: at + m[0].length };
}

/** A column reference in a RETURNING list: `"c"` or `"t"."c"`. */
function returnedColumn(item: string, table: string): string {
  const t = item.trim();
  const plain = unquote(t);
  if (plain !== undefined) return plain;
  const m = /^("(?:[^"]|"")+")\s*\.\s*("(?:[^"]|"")+")$/.exec(t);
  if (m && unquote(m[1]!) === table) return unquote(m[2]!)!;
  throw new UnsupportedSql(`RETURNING item ${t} is not a column of ${table}`);
}

interface Cut {
  sql: string;
  params: unknown[];
  paramAt: number[];
}

/** The text and the bound values of `sql[from, to)`. */
function slice(c: Cut, from: number, to: number): Piece {
  const params: unknown[] = [];
  c.paramAt.forEach((at, i) => {
    if (at >= from && at < to) params.push(c.params[i]);
  });
  return { text: c.sql.slice(from, to), params };
}

const trimmed = (p: Piece): Piece => ({ text: p.text.trim(), params: p.params });

function splitTopLevel(c: Cut, commas: number[], from: number, to: number): Piece[] {
  const cuts = commas.filter((x) => x > from && x < to);
  const out: Piece[] = [];
  let start = from;
  for (const x of [...cuts, to]) {
    out.push(slice(c, start, x));
    start = x + 1;
  }
  return out;
}

function join(pieces: (Piece | string)[]): Piece {
  const text: string[] = [];
  const params: unknown[] = [];
  for (const p of pieces) {
    if (typeof p === 'string') text.push(p);
    else {
      text.push(p.text);
      params.push(...p.params);
    }
  }
  return { text: text.join(''), params };
}

/** Fails the batch (SQLite "integer overflow") unless `cond` holds: D1 rolls the whole batch back. */
export const GUARD_FAILURE = /integer overflow/i;
function guardStatement(cond: Piece): Piece {
  return join(['select case when ', cond, ' then 1 else abs(-9223372036854775808) end as guard']);
}

/** D1 allows 32 arguments per SQL function: longer rows are arrays of arrays of at most 30. */
const JSON_ARGS = 30;

/** `json_array(...)` of the columns, chunked under D1's function-argument limit. */
function jsonRow(cols: string[]): string {
  if (cols.length <= JSON_ARGS) return `json_array(${cols.join(', ')})`;
  const groups: string[] = [];
  for (let i = 0; i < cols.length; i += JSON_ARGS)
    groups.push(`json_array(${cols.slice(i, i + JSON_ARGS).join(', ')})`);
  return `json_array(${groups.join(', ')})`;
}

/** Parses one predicted row back into a flat array (undoing jsonRow's chunking). */
export function flatRow(item: unknown[], width: number): unknown[] {
  return width <= JSON_ARGS ? item : (item as unknown[][]).flat();
}

function jsonOf(names: string[], from: Piece): Piece {
  const row = jsonRow([...names.map(q), q('__d1_rowid')]);
  return join([`select json_group_array(${row}) as j from (`, from, ')']);
}

/** A SQL string literal: the guard's expected value is inlined so it costs no bound parameter (D1 allows 100). */
const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** D1 refuses a statement with more than 100 bound parameters. */
export const MAX_PARAMS = 100;

/**
 * Cuts a multi-row `INSERT … VALUES (…), (…) [ON CONFLICT …]` whose values exceed D1's 100 bound
 * parameters into several INSERTs over consecutive rows (same head and tail), to run in one batch.
 * Undefined when no cut is needed or possible (one row alone over the limit fails loudly in D1).
 */
export function splitInsert(sql: string, params: unknown[], max = MAX_PARAMS): Piece[] | undefined {
  if (params.length <= max) return undefined;
  const s = scan(sql);
  if (s.words[0]?.w !== 'insert' || s.params.length !== params.length) return undefined;
  const values = s.words.find((x) => x.w === 'values');
  if (!values) return undefined;
  const tail = s.words.find((x) => x.at > values.end && (x.w === 'on' || x.w === 'returning'));
  const c: Cut = { sql, params, paramAt: s.params };
  const head = slice(c, 0, values.end);
  const tailPiece = tail ? slice(c, tail.at, sql.length) : { text: '', params: [] };
  const tuples = splitTopLevel(c, s.commas, values.end, tail?.at ?? sql.length).map(trimmed);
  const fixed = head.params.length + tailPiece.params.length;
  const chunks: Piece[] = [];
  let cur: Piece[] = [];
  let used = fixed;
  const flush = () => {
    if (cur.length === 0) return;
    const body = cur.flatMap((t, i) => (i > 0 ? [', ', t] : [t]));
    chunks.push(join([head, ' ', ...body, tail ? ' ' : '', tailPiece]));
    cur = [];
    used = fixed;
  };
  for (const t of tuples) {
    if (fixed + t.params.length > max) return undefined;
    if (used + t.params.length > max) flush();
    cur.push(t);
    used += t.params.length;
  }
  flush();
  return chunks;
}

/** `SET "a" = expr, "b" = expr` → column → expression (with its bound values). */
function assignmentsOf(c: Cut, commas: number[], from: number, to: number): Map<string, Piece> {
  const out = new Map<string, Piece>();
  for (const p of splitTopLevel(c, commas, from, to)) {
    const eq = p.text.indexOf('=');
    const col = eq > 0 ? unquote(p.text.slice(0, eq)) : undefined;
    if (!col) throw new UnsupportedSql(`SET item ${p.text.trim()} is not "column" = expr`);
    // The expression's placeholders all follow the "=", so the piece's values belong to it.
    out.set(col, { text: p.text.slice(eq + 1).trim(), params: p.params });
  }
  return out;
}

/** Select-list of the returned columns as an UPDATE would leave them: SET expressions over the old row. */
function afterSet(names: string[], assignments: Map<string, Piece>, tq: string): Piece {
  return join(
    names.flatMap((n, i) => {
      const a = assignments.get(n);
      const sep = i > 0 ? ', ' : '';
      return a ? [sep, '(', a, `) as ${q(n)}`] : [`${sep}${tq}.${q(n)} as ${q(n)}`];
    }),
  );
}

/**
 * `INSERT … VALUES … ON CONFLICT (target) DO NOTHING | DO UPDATE SET … [WHERE …] RETURNING …`:
 * the VALUES become a CTE named `excluded` (so SET expressions that use `excluded.col` resolve),
 * each tuple numbered; a tuple with no row matching the target is returned as inserted, one with a
 * match as the SET leaves it (when the WHERE holds), none for DO NOTHING — in tuple order, as
 * SQLite's RETURNING gives them. The same query is the guard, so a concurrent change of the
 * conflicting rows fails the batch. Tuples of one statement must not share a target key.
 */
function predictUpsert(
  c: Cut,
  s: Scan,
  table: string,
  columns: string[],
  valuesEnd: number,
  on: { at: number; end: number },
): Prediction {
  const w = s.words;
  const after = (at: number) => w.find((x) => x.at >= at);
  const ret = w.find((x) => x.w === 'returning' && x.at > on.end)!;
  const conflict = after(on.end);
  const doW = w.find((x) => x.w === 'do' && x.at > on.end);
  if (conflict?.w !== 'conflict' || !doW) throw new UnsupportedSql('INSERT … ON without CONFLICT … DO');
  if (w.some((x) => x.w === 'where' && x.at > conflict.end && x.at < doW.at))
    throw new UnsupportedSql('ON CONFLICT with a partial-index target and RETURNING is not supported on D1');
  const targetText = c.sql.slice(conflict.end, doW.at).trim();
  if (!targetText)
    throw new UnsupportedSql(
      'ON CONFLICT without a target and RETURNING cannot be predicted on D1: give the conflict target ' +
        '(onConflictDoNothing({ target }))',
    );
  if (!targetText.startsWith('(') || !targetText.endsWith(')'))
    throw new UnsupportedSql(`ON CONFLICT target ${targetText} is not a column list`);
  const target = targetText
    .slice(1, -1)
    .split(',')
    .map((x) => returnedColumn(x, table));
  const action = after(doW.end);
  let assignments: Map<string, Piece> | undefined;
  let cond: Piece | undefined;
  if (action?.w === 'update') {
    const set = w.find((x) => x.w === 'set' && x.at > action.end);
    if (!set) throw new UnsupportedSql('DO UPDATE without SET');
    const where = w.find((x) => x.w === 'where' && x.at > set.end && x.at < ret.at);
    assignments = assignmentsOf(c, s.commas, set.end, where?.at ?? ret.at);
    cond = where ? trimmed(slice(c, where.end, ret.at)) : undefined;
  } else if (action?.w !== 'nothing') throw new UnsupportedSql('ON CONFLICT … DO must be NOTHING or UPDATE');

  const names = splitTopLevel(c, s.commas, ret.end, c.sql.length).map((p) => returnedColumn(p.text, table));
  for (const n of [...names, ...target])
    if (!columns.includes(n)) throw new UnsupportedSql(`column ${n} is not among the inserted columns`);
  const tuples = splitTopLevel(c, s.commas, valuesEnd, on.at).map(trimmed);
  const E = q('excluded');
  const T = q(table);
  const ord = q('__d1_ord');
  const match = target.map((n) => `${T}.${q(n)} = ${E}.${q(n)}`).join(' and ');
  const query = (): Piece => {
    const cte = join([
      `with ${E}(${ord}, ${columns.map(q).join(', ')}) as (values `,
      ...tuples.flatMap((tp, k) => {
        if (!tp.text.startsWith('(')) throw new UnsupportedSql('VALUES item is not a tuple');
        return [k > 0 ? ', ' : '', { text: `(${k + 1}, ${tp.text.slice(1)}`, params: tp.params }];
      }),
      ')',
    ]);
    const inserted = `select ${names.map((n) => `${E}.${q(n)} as ${q(n)}`).join(', ')}, ${E}.${ord} as ${ord} from ${E} where not exists (select 1 from ${T} where ${match})`;
    const updated: (Piece | string)[] = assignments
      ? [
          ' union all select ',
          afterSet(names, assignments, T),
          `, ${E}.${ord} as ${ord} from ${T} join ${E} on ${match}`,
          ...(cond ? [' where (', cond, ')'] : []),
        ]
      : [];
    return join([
      cte,
      ` select json_group_array(${jsonRow([...names.map(q), ord])}) as j from (`,
      inserted,
      ...updated,
      ` order by ${ord})`,
    ]);
  };
  return {
    query: query(),
    guard: (j) => guardStatement(join(['(', query(), `) is ${literal(j)}`])),
  };
}

/**
 * Reads a drizzle write statement. With RETURNING, also says how to predict its rows; throws
 * UnsupportedSql for shapes whose result cannot be predicted exactly (ON CONFLICT … RETURNING,
 * UPDATE … FROM/ORDER BY/LIMIT, INSERT … SELECT, RETURNING of expressions).
 */
export function writeShape(sql: string, params: unknown[]): WriteShape & { predict?: () => Prediction } {
  const s = scan(sql);
  if (s.params.length !== params.length)
    throw new UnsupportedSql(`statement has ${s.params.length} placeholders but ${params.length} values`);
  const c: Cut = { sql, params, paramAt: s.params };
  const w = s.words;
  const kw = (word: string, after = 0) => w.find((x) => x.w === word && x.at >= after);
  const ret = kw('returning');
  const head = w[0]?.w;

  const returningNames = (table: string) =>
    ret
      ? splitTopLevel(c, s.commas, ret.end, sql.length).map((p) => returnedColumn(p.text, table))
      : undefined;

  if (head === 'insert' || head === 'replace') {
    const into = kw('into');
    if (!into) throw new UnsupportedSql('INSERT without INTO');
    const t = tableAfter(sql, into.end);
    const shape: WriteShape = { kind: 'insert', table: t.name, returning: returningNames(t.name) };
    if (!ret) return shape;
    if (head === 'replace' || w[1]?.w === 'or')
      throw new UnsupportedSql('INSERT OR …/REPLACE with RETURNING cannot be predicted');
    if (kw('select', t.end) || kw('default', t.end))
      throw new UnsupportedSql('INSERT … SELECT/DEFAULT VALUES with RETURNING cannot be predicted on D1');
    const values = kw('values', t.end);
    if (!values) throw new UnsupportedSql('INSERT without VALUES');
    // Column list: between the table name and VALUES, "(a, b, c)".
    const colText = sql.slice(t.end, values.at).trim();
    if (!colText.startsWith('(') || !colText.endsWith(')'))
      throw new UnsupportedSql('INSERT without columns');
    const columns = colText
      .slice(1, -1)
      .split(',')
      .map((x) => unquote(x) ?? x.trim());
    const on = kw('on', values.end);
    if (on && on.at < ret.at)
      return { ...shape, predict: () => predictUpsert(c, s, t.name, columns, values.end, on) };
    const tuplesText = slice(c, values.end, ret.at);
    const names = shape.returning!;
    return {
      ...shape,
      predict: () => {
        // Fast path: tuples of plain placeholders and NULLs (drizzle's usual output) need no query.
        const tuples = tuplesText.text.trim();
        const tupleRe = /\(\s*((?:\?|null)(?:\s*,\s*(?:\?|null))*)\s*\)\s*(,|$)/iy;
        const rows: unknown[][] = [];
        let pos = 0;
        let k = 0;
        let plain = true;
        while (pos < tuples.length) {
          tupleRe.lastIndex = pos;
          const m = tupleRe.exec(tuples);
          if (!m) {
            plain = false;
            break;
          }
          const vals = m[1]!.split(',').map((v) => (v.trim() === '?' ? tuplesText.params[k++] : null));
          if (vals.length !== columns.length) throw new UnsupportedSql('VALUES arity differs from columns');
          const byName = new Map(columns.map((col, i) => [col, vals[i]]));
          rows.push(
            names.map((n) => {
              if (!byName.has(n))
                throw new UnsupportedSql(`RETURNING ${n} is not among the inserted columns`);
              return byName.get(n) ?? null;
            }),
          );
          pos = tupleRe.lastIndex;
          while (tuples[pos] === ' ') pos++;
        }
        if (plain) return { rows };
        // General VALUES: let SQLite evaluate them in a CTE named like the table, so qualified
        // references in RETURNING still resolve.
        const query = join([
          `with ${q(t.name)}(${columns.map(q).join(', ')}) as (values `,
          tuplesText,
          `) select json_group_array(${jsonRow([...names.map(q), 'null'])}) as j from ${q(t.name)}`,
        ]);
        return { query };
      },
    };
  }

  if (head === 'update') {
    const t = tableAfter(sql, w[0]!.end);
    const shape: WriteShape = { kind: 'update', table: t.name, returning: returningNames(t.name) };
    if (!ret) return shape;
    const set = kw('set', t.end);
    if (!set) throw new UnsupportedSql('UPDATE without SET');
    for (const bad of ['from', 'order', 'limit'])
      if (kw(bad, set.end))
        throw new UnsupportedSql(`UPDATE … ${bad.toUpperCase()} … RETURNING is not supported`);
    if (w[1]?.w === 'or') throw new UnsupportedSql('UPDATE OR … RETURNING is not supported');
    const where = kw('where', set.end);
    const setEnd = where?.at ?? ret.at;
    const assignments = assignmentsOf(c, s.commas, set.end, setEnd);
    const cond = where ? trimmed(slice(c, where.end, ret.at)) : { text: '1', params: [] };
    const names = shape.returning!;
    const tq = q(t.name);
    // The row as the UPDATE would leave it: SET expressions over the old row, other columns as they are.
    const rowNow = (): Piece =>
      join([
        'select ',
        afterSet(names, assignments, tq),
        `, ${tq}.rowid as "__d1_rowid" from ${tq} where `,
        cond,
        ' order by "__d1_rowid"',
      ]);
    return {
      ...shape,
      predict: () => ({
        query: jsonOf(names, rowNow()),
        guard: (j) => guardStatement(join(['(', jsonOf(names, rowNow()), `) is ${literal(j)}`])),
      }),
    };
  }

  if (head === 'delete') {
    const from = kw('from');
    if (!from) throw new UnsupportedSql('DELETE without FROM');
    const t = tableAfter(sql, from.end);
    const shape: WriteShape = { kind: 'delete', table: t.name, returning: returningNames(t.name) };
    if (!ret) return shape;
    for (const bad of ['order', 'limit'])
      if (kw(bad, t.end))
        throw new UnsupportedSql(`DELETE … ${bad.toUpperCase()} … RETURNING is not supported`);
    const where = kw('where', t.end);
    const cond = where ? trimmed(slice(c, where.end, ret.at)) : { text: '1', params: [] };
    const names = shape.returning!;
    const tq = q(t.name);
    const rowNow = (): Piece =>
      join([
        `select ${names.map((n) => `${tq}.${q(n)} as ${q(n)}`).join(', ')}, ${tq}.rowid as "__d1_rowid" from ${tq} where `,
        cond,
        ' order by "__d1_rowid"',
      ]);
    return {
      ...shape,
      predict: () => ({
        query: jsonOf(names, rowNow()),
        guard: (j) => guardStatement(join(['(', jsonOf(names, rowNow()), `) is ${literal(j)}`])),
      }),
    };
  }
  throw new UnsupportedSql(`not a write: ${sql.slice(0, 40)}`);
}

/** Tables a statement names (quoted identifiers), to spot a read of a table this write already changed. */
export function mentions(sql: string, table: string): boolean {
  return sql.includes(q(table)) || sql.includes(`\`${table}\``);
}
