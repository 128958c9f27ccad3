/**
 * worker.ts's choice of database and its answers to a bad configuration, called directly (it is
 * runtime-neutral) with a fresh module — hence a fresh "isolate" — per case. Only loopback is contacted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

type WorkerModule = typeof import('../../server/worker.js');

const ctx = { waitUntil: () => {} };

async function freshWorker(): Promise<WorkerModule['default']> {
  vi.resetModules();
  return (await import('../../server/worker.js')).default;
}

const get = (path: string) =>
  new Request(`http://127.0.0.1${path}`, { headers: { 'accept-language': 'en' } });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('worker configuration', () => {
  it.each([
    ['neither a DB binding nor DATABASE_URL', {}, /bind a D1 database as DB/],
    ['a local file DATABASE_URL', { DATABASE_URL: 'file:./data/onestop.db' }, /remote libsql/],
    ['an invalid ORG_LEVELS', { DB: {}, ORG_LEVELS: 'City,,' }, /ORG_LEVELS/],
  ])('answers 500 problem+json and logs why for %s', async (_name, env, why) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const worker = await freshWorker();
    const r = await worker.fetch(get('/api/v1/units'), env as never, ctx);
    expect(r.status).toBe(500);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    const body = (await r.json()) as { detail: string };
    expect(body.detail).toContain('misconfigured');
    expect(String(logged.mock.calls[0]?.[0])).toMatch(why);
  });

  it('uses a remote libSQL DATABASE_URL when no DB is bound; /healthz never touches it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const worker = await freshWorker();
    // Nothing listens on loopback port 9: the database "does not answer".
    const env = { DATABASE_URL: 'http://127.0.0.1:9', ADMIN_PASSWORD: 'mật-khẩu-dài-đủ' };
    const health = await worker.fetch(get('/healthz'), env, ctx);
    expect(health.status).toBe(200);
    const ready = await worker.fetch(get('/readyz'), env, ctx);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'database' });
  });
});
