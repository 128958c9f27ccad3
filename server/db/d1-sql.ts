/**
 * What D1 truly lacks, in SQL: it refuses a statement with more than 100 bound parameters, so a long
 * multi-row INSERT is cut into several INSERTs over consecutive rows, to run in the same batch
 * (docs/adr/0203-one-write-model.md). This is the whole of the SQL-text handling left on D1: nothing
 * predicts a result from SQL text any more.
 *
 * It is not a SQL parser: it tokenises just enough (quotes, parentheses, `?` placeholders, keywords
 * at the top level) to cut drizzle's regular output into clauses. Anything it does not recognise
 * is reported as unsupported, never guessed.
 */

export interface Piece {
  text: string;
  params: unknown[];
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
