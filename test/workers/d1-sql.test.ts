/** Reading drizzle's SQL for the D1 recorder: classification, tables, predictions, refusals. */
import { and, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import {
  classify,
  flatRow,
  MAX_PARAMS,
  mentions,
  splitInsert,
  UnsupportedSql,
  writeShape,
} from '../../server/db/d1-sql.js';
import * as schema from '../../server/db/schema.js';

// Only builds SQL (toSQL), never runs it: no binding needed.
const db = drizzle({} as never, { schema });
const { units, loginThrottle, enrollmentTokens } = schema;

describe('classify', () => {
  it.each([
    ['select "id" from "units"', 'read'],
    ['  SELECT 1', 'read'],
    ['with "x" as (select 1) select replace(a, b, c) from "x"', 'read'],
    ['with "x" as (select 1) insert into "t" select * from "x"', 'write'],
    ['insert into "units" ("id") values (?)', 'write'],
    ['update "units" set "name" = ?', 'write'],
    ['delete from "units"', 'write'],
    ['replace into "units" values (?)', 'write'],
    ['begin', 'other'],
    ['savepoint sp0', 'other'],
    ['pragma foreign_keys', 'other'],
  ])('%s → %s', (text, want) => {
    expect(classify(text)).toBe(want);
  });

  it('ignores keywords inside strings, identifiers and comments', () => {
    expect(classify(`select 'delete from x' as "update" -- insert\n`)).toBe('read');
  });
});

describe('writeShape', () => {
  it('names the table of each kind of write, without RETURNING', () => {
    const ins = db
      .insert(units)
      .values({} as never)
      .toSQL();
    expect(writeShape(ins.sql, ins.params)).toEqual({ kind: 'insert', table: 'units', returning: undefined });
    const up = db.update(units).set({ name: 'x' }).where(eq(units.id, 'a')).toSQL();
    expect(writeShape(up.sql, up.params)).toMatchObject({ kind: 'update', table: 'units' });
    const del = db.delete(loginThrottle).where(eq(loginThrottle.key, 'k')).toSQL();
    expect(writeShape(del.sql, del.params)).toMatchObject({ kind: 'delete', table: 'login_throttle' });
  });

  it('predicts INSERT … RETURNING from the bound values, without a query', () => {
    const q = db
      .insert(enrollmentTokens)
      .values([
        {
          id: 'a',
          tokenHash: 'h1',
          unitId: 'u',
          createdBy: 'x',
          createdAt: new Date(5),
          expiresAt: new Date(9),
          maxUses: 3,
        },
        {
          id: 'b',
          tokenHash: 'h2',
          unitId: 'u',
          createdBy: 'x',
          createdAt: new Date(5),
          expiresAt: new Date(9),
          maxUses: 4,
        },
      ])
      .returning({
        id: enrollmentTokens.id,
        uses: enrollmentTokens.uses,
        revokedAt: enrollmentTokens.revokedAt,
      })
      .toSQL();
    const shape = writeShape(q.sql, q.params);
    expect(shape.returning).toEqual(['id', 'uses', 'revoked_at']);
    expect(shape.predict!()).toEqual({
      rows: [
        ['a', 0, null],
        ['b', 0, null],
      ],
    });
  });

  it('predicts UPDATE … RETURNING with a SELECT of the SET expressions over the matching rows, and a guard', () => {
    const q = db
      .update(units)
      .set({ name: 'Phường Hoàn Kiếm', depth: sql`${units.depth} + ${2}` })
      .where(and(eq(units.id, 'id1'), eq(units.name, 'old')))
      .returning({ name: units.name, depth: units.depth, code: units.code })
      .toSQL();
    const p = writeShape(q.sql, q.params).predict!();
    expect(p.rows).toBeUndefined();
    expect(p.query!.text).toBe(
      'select json_group_array(json_array("name", "depth", "code", "__d1_rowid")) as j from (select (?) as "name", ("units"."depth" + ?) as "depth", "units"."code" as "code", "units".rowid as "__d1_rowid" from "units" where ("units"."id" = ? and "units"."name" = ?) order by "__d1_rowid")',
    );
    expect(p.query!.params).toEqual(['Phường Hoàn Kiếm', 2, 'id1', 'old']);
    const g = p.guard!('[["x",1,"c",7]]');
    // The expected JSON is inlined as a literal so the guard binds no more parameters than the write.
    expect(g.text).toMatch(
      /^select case when \(select json_group_array.*\) is '\[\["x",1,"c",7\]\]' then 1 else abs\(-9223372036854775808\) end/,
    );
    expect(g.params).toEqual(['Phường Hoàn Kiếm', 2, 'id1', 'old']);
    expect(p.guard!("it's").text).toContain("is 'it''s' then");
  });

  it('predicts DELETE … RETURNING from the rows that match now', () => {
    const q = db.delete(units).where(eq(units.code, 'HN-X')).returning({ id: units.id }).toSQL();
    const p = writeShape(q.sql, q.params).predict!();
    expect(p.query!.params).toEqual(['HN-X']);
    expect(p.query!.text).toContain('from "units" where "units"."code" = ? order by');
  });

  it.each([
    [
      'insert … on conflict … returning',
      () =>
        db
          .insert(loginThrottle)
          .values({ key: 'k', failures: 1, windowStart: new Date() })
          .onConflictDoNothing()
          .returning()
          .toSQL(),
    ],
    [
      'returning an expression',
      () => ({ sql: 'update "units" set "name" = ? returning upper("name")', params: ['x'] }),
    ],
    [
      'update … limit … returning',
      () => ({ sql: 'update "units" set "name" = ? where 1 limit 1 returning "id"', params: ['x'] }),
    ],
    ['placeholders ≠ values', () => ({ sql: 'update "units" set "name" = ? returning "id"', params: [] })],
  ])('refuses %s', (_name, build) => {
    const q = build();
    expect(() => writeShape(q.sql, q.params).predict?.()).toThrow(UnsupportedSql);
  });
});

it('mentions finds a quoted table name', () => {
  expect(mentions('select "id" from "units" where 1', 'units')).toBe(true);
  expect(mentions('select "id" from "unit_x"', 'units')).toBe(false);
});

describe('splitInsert', () => {
  it('cuts a long VALUES list into INSERTs of at most 100 parameters, each keeping the ON CONFLICT tail', () => {
    const w = new Date(7);
    const rows = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, failures: i, windowStart: w }));
    const q = db
      .insert(loginThrottle)
      .values(rows)
      .onConflictDoUpdate({ target: loginThrottle.key, set: { failures: 99 } })
      .toSQL();
    expect(q.params).toHaveLength(121);
    const parts = splitInsert(q.sql, q.params)!;
    expect(parts.length).toBe(2);
    for (const p of parts) {
      expect(p.params.length).toBeLessThanOrEqual(MAX_PARAMS);
      expect(p.text).toMatch(
        /^insert into "login_throttle" \("key", "failures", "window_start", "blocked_until"\) values \(\?, \?, \?, null\), .* on conflict \("login_throttle"."key"\) do update set "failures" = \?$/,
      );
      expect(p.params.at(-1)).toBe(99);
      expect(p.text.split('?').length - 1).toBe(p.params.length);
    }
    expect(parts.flatMap((p) => p.params.slice(0, -1))).toEqual(q.params.slice(0, -1));
  });

  it('leaves short statements and non-inserts alone', () => {
    expect(splitInsert('insert into "t" ("a") values (?)', [1])).toBeUndefined();
    expect(splitInsert('update "t" set "a" = ?', Array(101).fill(1))).toBeUndefined();
  });
});

it('chunks predicted rows wider than 30 columns and flattens them back', () => {
  const q = db
    .update(schema.tickets)
    .set({ status: 'closed' })
    .where(eq(schema.tickets.id, 't'))
    .returning()
    .toSQL();
  const p = writeShape(q.sql, q.params).predict!();
  expect(p.query!.text).toMatch(/json_group_array\(json_array\(json_array\(/);
  const wide = Array.from({ length: 33 }, (_, i) => i);
  expect(flatRow([wide.slice(0, 30), wide.slice(30)], 33)).toEqual(wide);
});

it('predicts an upsert with RETURNING from a CTE named excluded, in tuple order', () => {
  const q = db
    .insert(loginThrottle)
    .values([
      { key: 'a', failures: 1, windowStart: new Date(3) },
      { key: 'b', failures: 1, windowStart: new Date(3) },
    ])
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: { failures: sql`${loginThrottle.failures} + 1` },
      setWhere: sql`${loginThrottle.blockedUntil} is null`,
    })
    .returning({ key: loginThrottle.key, failures: loginThrottle.failures })
    .toSQL();
  const p = writeShape(q.sql, q.params).predict!();
  expect(p.query!.text).toBe(
    'with "excluded"("__d1_ord", "key", "failures", "window_start", "blocked_until") as (values (1, ?, ?, ?, null), (2, ?, ?, ?, null)) ' +
      'select json_group_array(json_array("key", "failures", "__d1_ord")) as j from (' +
      'select "excluded"."key" as "key", "excluded"."failures" as "failures", "excluded"."__d1_ord" as "__d1_ord" from "excluded" ' +
      'where not exists (select 1 from "login_throttle" where "login_throttle"."key" = "excluded"."key") ' +
      'union all select "login_throttle"."key" as "key", ("login_throttle"."failures" + 1) as "failures", "excluded"."__d1_ord" as "__d1_ord" ' +
      'from "login_throttle" join "excluded" on "login_throttle"."key" = "excluded"."key" where ("login_throttle"."blocked_until" is null) order by "__d1_ord")',
  );
  expect(p.query!.params).toEqual(['a', 1, 3, 'b', 1, 3]);
});
