/**
 * The real Workers build (wrangler.toml → server/worker.ts, bundled by wrangler) in local workerd
 * over local D1, driven over HTTP exactly like the Node server: not ready before migrations,
 * refuses to initialise without ADMIN_PASSWORD, then health, readiness, sign-in, units with scope,
 * a 422 that writes nothing, users, enrollment tokens, and the cron handler.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser } from '../helpers/factories.js';
import { ApiClient } from '../helpers/http.js';
import { d1Dir } from './local-d1.js';
import { quietWrangler, ROOT, startLocalWorker, WRANGLER_BIN } from './wrangler-env.js';

const ADMIN_PASSWORD = 'mật-khẩu-quản-trị-workers';

type Worker = Awaited<ReturnType<typeof startLocalWorker>>;

async function startWorker(persist: string, vars: Record<string, string> = {}) {
  // Warnings and errors only: a crash of workerd shows in the test output. testScheduled serves
  // GET /__scheduled (wrangler's Worker.scheduled() looks in the wrong Miniflare in 4.86).
  const worker = await startLocalWorker(persist, { LOG_LEVEL: 'warn', ...vars }, { testScheduled: true });
  await worker.ready;
  const url = (await worker.url).toString().replace(/\/$/, '');
  // `ready` can resolve before workerd serves the bundle: wait for the first answer (bounded).
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch (e) {
      if (Date.now() > until) throw new Error(`worker at ${url} never answered /healthz`, { cause: e });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { worker, url, anon: new ApiClient(url) };
}

const dir = d1Dir(false);
let w: Worker | undefined;

beforeAll(() => {
  quietWrangler();
});
afterAll(async () => {
  await w?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** How many migrations this build bundles (the journal drizzle-kit writes). */
const MIGRATIONS = (
  JSON.parse(readFileSync(new URL('../../migrations/meta/_journal.json', import.meta.url), 'utf8')) as {
    entries: unknown[];
  }
).entries.length;

describe('Workers build in local workerd', () => {
  it('is alive but not ready before the migrations are applied', async () => {
    const s = await startWorker(dir, { ADMIN_PASSWORD });
    w = s.worker;
    expect((await s.anon.get('/healthz')).status).toBe(200);
    const ready = await s.anon.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'migrating', migrations: { applied: 0, expected: MIGRATIONS } });
    const api = await s.anon.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(api.status).toBe(503);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect(api.headers.get('retry-after')).toBe('30');
    expect(api.body.detail).toContain('wrangler d1 migrations apply');
    await w.dispose();
    w = undefined;
  });

  it('after `wrangler d1 migrations apply`, an empty database needs ADMIN_PASSWORD to initialise', async () => {
    execFileSync(
      process.execPath,
      [WRANGLER_BIN, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir],
      {
        cwd: ROOT,
        env: { ...process.env, CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      },
    );
    const s = await startWorker(dir);
    w = s.worker;
    const ready = await s.anon.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'uninitialised', reason: 'ADMIN_PASSWORD' });
    const api = await s.anon.get('/api/v1/units', { 'accept-language': 'en' });
    expect(api.status).toBe(503);
    expect(api.body.detail).toContain('wrangler secret put ADMIN_PASSWORD');
    await w.dispose();
    w = undefined;
  });

  describe('initialised with ADMIN_PASSWORD', () => {
    let url: string;
    let anon: ApiClient;
    let admin: ApiClient;

    beforeAll(async () => {
      const s = await startWorker(dir, { ADMIN_PASSWORD, PASSWORD_ITERATIONS: '1000' });
      w = s.worker;
      url = s.url;
      anon = s.anon;
    });

    it('serves /healthz and /readyz, bootstrapping the root unit on first use', async () => {
      expect((await anon.get('/healthz')).body).toEqual({ status: 'ok' });
      const ready = await anon.get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ready',
        migrations: { applied: MIGRATIONS, expected: MIGRATIONS },
      });
    });

    it('signs in as admin (wrong password: 401, then the right one works)', async () => {
      const bad = await anon.post('/api/v1/auth/login', { username: 'admin', password: 'sai-mật-khẩu' });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      const ok = await anon.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
      expect(ok.status).toBe(200);
      expect(ok.body.user).toMatchObject({ username: 'admin', roles: [{ role: 'admin', unitCode: 'HN' }] });
      expect(ok.headers.get('set-cookie')).toMatch(/onestop_session=oss_.*HttpOnly/i);
      admin = anon.withToken(ok.body.token);
      const me = await admin.get('/api/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body.username).toBe('admin');
    });

    it('lists the bootstrapped root and creates a commune under it', async () => {
      const before = await admin.get('/api/v1/units');
      expect(before.status).toBe(200);
      expect(before.body.items).toEqual([
        expect.objectContaining({ code: 'HN', name: 'Thành phố Hà Nội', level: 'city', parentCode: null }),
      ]);
      const ward = await admin.post('/api/v1/units', {
        code: '00004',
        name: 'Phường Ba Đình',
        level: 'commune',
        parentCode: 'HN',
        officers: 12,
      });
      expect(ward.status).toBe(201);
      expect(ward.body).toMatchObject({
        code: '00004',
        name: 'Phường Ba Đình',
        parentCode: 'HN',
        officers: 12,
      });
      const got = await admin.get('/api/v1/units/00004');
      expect(got.status).toBe(200);
      expect(got.body).toEqual(ward.body);
      const dup = await admin.post('/api/v1/units', { code: '00004', name: 'Trùng', level: 'commune' });
      expect(dup.status).toBe(409);
    });

    it('answers 422 for an invalid unit and writes nothing', async () => {
      const bad = await admin.post('/api/v1/units', {
        code: '00008',
        name: 'Phường Ngọc Hà',
        level: 'district', // not one of ORG_LEVELS=city,commune
        parentCode: 'HN',
      });
      expect(bad.status).toBe(422);
      expect(bad.body.errors).toContainEqual(expect.objectContaining({ path: 'level' }));
      expect((await admin.get('/api/v1/units/00008')).status).toBe(404);
      const shape = await admin.post('/api/v1/units', { code: '00008', level: 'commune' });
      expect(shape.status).toBe(422);
      const list = await admin.get('/api/v1/units');
      expect(list.body.items.map((u: { code: string }) => u.code)).toEqual(['00004', 'HN']);
    });

    it('scopes units: a unit head sees only their own unit', async () => {
      const other = await createUnit(admin, {
        code: '00008',
        name: 'Phường Ngọc Hà',
        level: 'commune',
        parentCode: 'HN',
      });
      const { user, client } = await createUser(admin, [{ role: 'unit_head', unitCode: '00004' }], {
        displayName: 'Trưởng bộ phận một cửa Ba Đình',
      });
      const me = await client.get('/api/v1/auth/me');
      expect(me.body.roles).toEqual([{ role: 'unit_head', unitCode: '00004' }]);
      expect(user).toMatchObject({ roles: [{ role: 'unit_head', unitCode: '00004' }] });
      const list = await client.get('/api/v1/units');
      expect(list.status).toBe(200);
      expect(list.body.items.map((u: { code: string }) => u.code)).toEqual(['00004']);
      expect((await client.get(`/api/v1/units/${other.code}`)).status).toBe(404);
      expect((await client.get('/api/v1/units/HN')).status).toBe(404);
      expect(
        (await client.post('/api/v1/units', { code: '00009', name: 'X', level: 'commune' })).status,
      ).toBe(403);
    });

    it('issues an enrollment token for a unit, shown once', async () => {
      const r = await admin.post('/api/v1/units/00004/enrollment-tokens', { expiresInHours: 24, maxUses: 5 });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ unitCode: '00004', maxUses: 5 });
      expect(r.body.token).toMatch(/^oet_/);
    });

    it('signs out: the token stops working', async () => {
      const ok = await anon.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
      const c = anon.withToken(ok.body.token);
      expect((await c.post('/api/v1/auth/logout')).status).toBe(204);
      expect((await c.get('/api/v1/units')).status).toBe(401);
      expect((await admin.get('/api/v1/units')).status).toBe(200);
    });

    it('runs the cron handler', async () => {
      const r = await anon.get(
        `/__scheduled?cron=${encodeURIComponent('* * * * *')}&time=${Date.parse('2026-03-02T01:00:00Z')}`,
      );
      expect(r.status).toBe(200);
      expect(r.text).toContain('Ran scheduled event');
      // The handler shares the isolate's deps: the API still answers afterwards.
      expect((await new ApiClient(url).get('/readyz')).status).toBe(200);
    });
  });
});
