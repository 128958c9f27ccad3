/**
 * Use cases racing each other under the one write model (ADR 0203): reads see committed data only, so
 * every decision that another request could overtake is guarded, counted at commit, or learnt from the
 * batch's own result. Requests are started together so their reads happen before any of them commits.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enrollmentTokens,
  jobLeases,
  loginThrottle,
  notifications,
  policies,
} from '../../server/db/schema.js';
import { runJob } from '../../server/jobs/runner.js';
import type { Job } from '../../server/jobs/types.js';
import { recordFailures, throttleKeys } from '../../server/services/auth.js';
import { markRead, notify } from '../../server/services/notifications.js';
import { ManualClock } from '../helpers/clock.js';
import { createUnit, createUser, TEST_PASSWORD, unique } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const clock = new ManualClock('2026-03-02T02:00:00Z');
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ clock, env: { ORG_LEVELS: 'city,district,commune' } });
});
afterAll(async () => s?.stop());

const N = 8;

describe('writes that race', () => {
  it('counts every one of concurrent failed sign-ins (one upsert at commit, not a JS counter)', async () => {
    const keys = throttleKeys(unique('victim'), '203.0.113.9');
    const now = clock.now();
    await Promise.all(
      Array.from({ length: N }, () => s.deps.store.write((tx) => recordFailures(tx, keys, now))),
    );
    const rows = await s.deps.store.read.select().from(loginThrottle);
    const user = rows.find((r) => r.key === keys.userKey)!;
    const ip = rows.find((r) => r.key === keys.ipKey)!;
    expect(user.failures).toBe(N);
    expect(ip.failures).toBe(N);
    // Over the per-user limit (5): blocked; under the per-address limit (30): not.
    expect(user.blockedUntil?.getTime()).toBe(now.getTime() + 15 * 60_000);
    expect(ip.blockedUntil).toBeNull();
    // Concurrent wrong passwords over HTTP: never more 401s than failures counted.
    const name = unique('u').toLowerCase();
    const r = await Promise.all(
      Array.from({ length: N }, () =>
        s.anon.post('/api/v1/auth/login', { username: name, password: 'nope' }),
      ),
    );
    const counted = (await s.deps.store.read.select().from(loginThrottle)).find(
      (x) => x.key === `user:${name}`,
    );
    expect(counted?.failures).toBe(r.filter((x) => x.status === 401).length);
    expect(r.every((x) => x.status === 401 || x.status === 429)).toBe(true);
  });

  it('a window that is over starts afresh at one failure', async () => {
    const keys = throttleKeys(unique('late'), undefined);
    const t0 = clock.now();
    await s.deps.store.write((tx) => recordFailures(tx, keys, t0));
    await s.deps.store.write((tx) => recordFailures(tx, keys, t0));
    const later = new Date(t0.getTime() + 16 * 60_000);
    await s.deps.store.write((tx) => recordFailures(tx, keys, later));
    const row = (
      await s.deps.store.read.select().from(loginThrottle).where(eq(loginThrottle.key, keys.userKey))
    )[0]!;
    expect(row).toMatchObject({ failures: 1, windowStart: later, blockedUntil: null });
  });

  it('an enrollment token with 2 uses enrolls exactly 2 of many concurrent agents', async () => {
    const ward = await createUnit(s.admin, { level: 'district', parentCode: 'HN' });
    const tok = await s.admin.post(`/api/v1/units/${ward.code}/enrollment-tokens`, { maxUses: 2 });
    expect(tok.status, tok.text).toBe(201);
    const r = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        s.anon.post('/api/v1/agent/enroll', {
          enrollmentToken: tok.body.token,
          hostname: `PC-${i}`,
          hardwareId: `hw-race-${ward.code}-${i}`,
          os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
          agentVersion: '0.1.0',
        }),
      ),
    );
    expect(r.filter((x) => x.status === 201)).toHaveLength(2);
    expect(r.filter((x) => x.status === 401)).toHaveLength(N - 2);
    const row = (
      await s.deps.store.read.select().from(enrollmentTokens).where(eq(enrollmentTokens.id, tok.body.id))
    )[0]!;
    expect(row.uses).toBe(2);
  });

  it('one of several runners racing for a job slot runs it; the others learn they lost', async () => {
    let runs = 0;
    const job: Job = {
      name: unique('race-job'),
      cron: '0 * * * * *',
      async run() {
        runs++;
        return { summary: 'ran' };
      },
    };
    const now = clock.now();
    const reports = await Promise.all(
      Array.from({ length: N }, (_, i) => runJob(s.deps, job, now, { holder: `p${i}` })),
    );
    expect(runs).toBe(1);
    expect(reports.filter((r) => r.ran)).toHaveLength(1);
    expect(
      reports.filter((r) => !r.ran).every((r) => r.skipped === 'leased' || r.skipped === 'not_due'),
    ).toBe(true);
    const lease = (await s.deps.store.read.select().from(jobLeases).where(eq(jobLeases.name, job.name)))[0]!;
    expect(lease).toMatchObject({ holder: null, leaseUntil: null, lastError: null });
    // The same slot again: not due.
    expect(await runJob(s.deps, job, now, { holder: 'late' })).toMatchObject({
      ran: false,
      skipped: 'not_due',
    });
  });

  it('concurrent policy PUTs of different keys both stick (guarded merge, re-run on the newer keys)', async () => {
    const ward = await createUnit(s.admin, { level: 'district', parentCode: 'HN' });
    const [a, b] = await Promise.all([
      s.admin.put(`/api/v1/units/${ward.code}/policy`, { intervalSec: 120 }),
      s.admin.put(`/api/v1/units/${ward.code}/policy`, { openAfter: 3 }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const got = await s.admin.get(`/api/v1/units/${ward.code}/policy`);
    expect(got.body.own).toEqual({ intervalSec: 120, openAfter: 3 });
    const row = (await s.deps.store.read.select().from(policies).where(eq(policies.unitId, ward.id)))[0]!;
    expect(row.body).toEqual({ intervalSec: 120, openAfter: 3 });
  });

  it('marking notifications read answers how many this request changed', async () => {
    const { user } = await createUser(s.admin, []);
    await s.deps.store.write((tx) =>
      notify(tx, [user.id], { kind: 'assigned', ticketId: null, at: clock.now(), data: {} }),
    );
    await s.deps.store.write((tx) =>
      notify(tx, [user.id], { kind: 'assigned', ticketId: null, at: clock.now(), data: {} }),
    );
    const counts = await Promise.all([
      markRead(s.deps.store, user.id, clock.now(), 'all'),
      markRead(s.deps.store, user.id, clock.now(), 'all'),
    ]);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(2);
    const unread = await s.deps.store.read.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM ${notifications} WHERE user_id = ${user.id} AND read_at IS NULL`,
    );
    expect(Number(unread[0]!.n)).toBe(0);
  });

  it('a unit is never archived while a sub-unit is created under it at the same moment', async () => {
    for (let i = 0; i < 3; i++) {
      const parent = await createUnit(s.admin, { level: 'district', parentCode: 'HN' });
      const [archived, child] = await Promise.all([
        s.admin.post(`/api/v1/units/${parent.code}/archive`),
        s.admin.post('/api/v1/units', {
          code: unique('C'),
          name: 'Xã mới',
          level: 'commune',
          parentCode: parent.code,
        }),
      ]);
      expect([archived.status === 200, child.status === 201]).not.toEqual([true, true]);
      expect(archived.status === 200 || child.status === 201).toBe(true);
    }
  });

  it('sibling units created at the same moment all succeed (tree changes re-run, not refused)', async () => {
    const parent = await createUnit(s.admin, { level: 'district', parentCode: 'HN' });
    const r = await Promise.all(
      Array.from({ length: 4 }, () =>
        s.admin.post('/api/v1/units', {
          code: unique('S'),
          name: 'Xã',
          level: 'commune',
          parentCode: parent.code,
        }),
      ),
    );
    expect(r.map((x) => x.status)).toEqual([201, 201, 201, 201]);
  });

  it('two units moved under each other at the same moment: never both (no cycle)', async () => {
    for (let i = 0; i < 3; i++) {
      const a = await createUnit(s.admin, { level: 'district', parentCode: 'HN' });
      const b = await createUnit(s.admin, { level: 'district', parentCode: 'HN' });
      const [ra, rb] = await Promise.all([
        s.admin.patch(`/api/v1/units/${a.code}`, { parentCode: b.code }),
        s.admin.patch(`/api/v1/units/${b.code}`, { parentCode: a.code }),
      ]);
      expect([ra.status, rb.status]).not.toEqual([200, 200]);
      const rows = await s.deps.store.read.all<{ code: string; parent: string | null; path: string }>(
        sql`SELECT u.code, p.code AS parent, u.path FROM units u LEFT JOIN units p ON p.id = u.parent_id
            WHERE u.code IN (${a.code}, ${b.code})`,
      );
      // Every path is its parent's path plus its own id: the subtree re-path and the parent agree.
      for (const r of rows) expect(r.parent === 'HN' || rows.some((x) => x.code === r.parent)).toBe(true);
      expect(rows.filter((r) => r.parent !== 'HN')).toHaveLength(
        [ra.status, rb.status].filter((x) => x === 200).length,
      );
    }
  });

  it('a matrix activated while a unit is created validates the tree with that unit in it', async () => {
    const active = (await s.admin.get('/api/v1/matrix')).body;
    const { version: _v, activatedAt: _a, activatedBy: _b, ...body } = active;
    const before = active.version as number;
    const [m, u] = await Promise.all([
      s.admin.put('/api/v1/matrix', body),
      s.admin.post('/api/v1/units', { code: unique('M'), name: 'Xã', level: 'district', parentCode: 'HN' }),
    ]);
    expect([m.status, u.status], `${m.text} ${u.text}`).toEqual([200, 201]);
    expect((await s.admin.get('/api/v1/matrix')).body.version).toBe(before + 1);
  });

  it('ending the other sessions twice at once ends each once, and the counts add up', async () => {
    const { user, client } = await createUser(s.admin, []);
    const base = s.admin.withToken(undefined);
    for (let i = 0; i < 3; i++) await base.login(user.username, TEST_PASSWORD);
    const [a, b] = await Promise.all([
      client.post('/api/v1/auth/sessions/revoke-others'),
      client.post('/api/v1/auth/sessions/revoke-others'),
    ]);
    expect([a.status, b.status], `${a.text} ${b.text}`).toEqual([200, 200]);
    expect(a.body.revoked + b.body.revoked).toBe(3);
  });
});
