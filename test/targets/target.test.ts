/**
 * The harness itself, on whichever target this run uses: the server keeps the test's time, sql()
 * reads what the API wrote and refuses to write, runJobs() runs the due jobs once per slot at the
 * clock's instant. And the Workers test seam: absent without TEST_CLOCK_TOKEN, guarded with it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalD1 } from '../workers/local-d1.js';
import { ADMIN_PASSWORD, startTarget, type Target, targetKind } from './index.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget({ start: '2026-03-02T02:00:00Z' });
});
afterAll(async () => t?.stop());

describe(`target ${targetKind}`, () => {
  it('the server runs on the test clock', async () => {
    await t.clock.set('2026-03-02T03:04:05Z');
    const u = await t.admin.post('/api/v1/units', { code: 'CLK1', name: 'Phường Ba Đình', level: 'commune' });
    expect(u.status, u.text).toBe(201);
    const [row] = await t.sql<{ createdAt: number }>(
      'SELECT created_at AS createdAt FROM units WHERE code = ?',
      'CLK1',
    );
    expect(new Date(row!.createdAt).toISOString()).toBe('2026-03-02T03:04:05.000Z');
    expect((await t.clock.advanceMinutes(10)).toISOString()).toBe('2026-03-02T03:14:05.000Z');
    expect(t.clock.now().toISOString()).toBe('2026-03-02T03:14:05.000Z');
  });

  it('sql() reads and refuses to write', async () => {
    const rows = await t.sql<{ code: string }>('SELECT code FROM units ORDER BY code');
    expect(rows.map((r) => r.code)).toEqual(['CLK1', 'HN']);
    await expect(t.sql("UPDATE units SET name = 'x'")).rejects.toThrow();
    await expect(t.sql("WITH x AS (SELECT 1) UPDATE units SET name = 'x'")).rejects.toThrow(/readonly|read/i);
    expect((await t.sql<{ n: number }>("SELECT count(*) AS n FROM units WHERE name = 'x'"))[0]!.n).toBe(0);
  });

  it('runJobs() runs every due job at the clock instant, once per slot', async () => {
    await t.clock.set('2026-03-02T04:00:00Z');
    await t.runJobs();
    const leases = () =>
      t.sql<{ name: string; at: number }>('SELECT name, last_started_at AS at FROM job_leases ORDER BY name');
    const first = await leases();
    expect(first.map((l) => l.name)).toEqual(
      expect.arrayContaining(['agent-silence', 'sla-escalation', 'approval-timeouts']),
    );
    expect(first.every((l) => l.at === Date.parse('2026-03-02T04:00:00Z'))).toBe(true);
    await t.clock.advance(5_000); // same minute slot: the minute jobs do not run again
    await t.runJobs();
    const again = await leases();
    expect(again.find((l) => l.name === 'sla-escalation')!.at).toBe(Date.parse('2026-03-02T04:00:00Z'));
    await t.clock.advanceMinutes(1);
    await t.runJobs();
    expect((await leases()).find((l) => l.name === 'sla-escalation')!.at).toBe(
      Date.parse('2026-03-02T04:01:05Z'),
    );
  });
});

describe.runIf(targetKind === 'workerd')('the Workers test clock seam', () => {
  it('refuses a wrong token and a bad body', async () => {
    const put = (auth: string, body: string) =>
      fetch(`${t.url}/__test/clock`, {
        method: 'PUT',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body,
      });
    expect((await put('Bearer nope', '{"at":"2030-01-01T00:00:00Z"}')).status).toBe(401);
    expect((await fetch(`${t.url}/__test/clock`)).status).toBe(405);
    expect(t.clock.now().toISOString()).toBe('2026-03-02T04:01:05.000Z');
  });
});

describe.runIf(targetKind === 'workerd')('server/worker.ts in-process over local D1', () => {
  let d1: LocalD1;
  beforeAll(async () => {
    // Imported here: node runs never load wrangler.
    d1 = await (await import('../workers/local-d1.js')).openLocalD1();
  });
  afterAll(async () => d1?.dispose());
  const put = (path = '/__test/clock', token = 'tc_x') =>
    new Request(`http://127.0.0.1${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"at":"2030-01-01T00:00:00Z"}',
    });
  const ctx = { waitUntil: () => {} };
  const fresh = async () => {
    vi.resetModules();
    return (await import('../../server/worker.js')).default;
  };

  it('without TEST_CLOCK_TOKEN there is no /__test/clock: it answers like any unknown path', async () => {
    const worker = await fresh();
    const env = { DB: d1.DB, ADMIN_PASSWORD, LOG_LEVEL: 'error' };
    const r = await worker.fetch(put(), env, ctx);
    expect(r.status).not.toBe(204);
    // (A PUT of JSON to a path the UI does not know is refused as the UI refuses it, e.g. 415.)
    expect(r.status).toBe((await worker.fetch(put('/__test/nothing'), env, ctx)).status);
    const get = (path: string) => worker.fetch(new Request(`http://127.0.0.1${path}`), env, ctx);
    expect((await get('/__test/clock')).status).toBe(404);
    expect((await get('/__test/nothing')).status).toBe(404);
  });

  it('with it, the token sets the clock (204) and a wrong one is refused (401)', async () => {
    const worker = await fresh();
    const env = { DB: d1.DB, ADMIN_PASSWORD, LOG_LEVEL: 'error', TEST_CLOCK_TOKEN: 'tc_x' };
    expect((await worker.fetch(put('/__test/clock', 'tc_y'), env, ctx)).status).toBe(401);
    expect((await worker.fetch(put(), env, ctx)).status).toBe(204);
  });
});
