/**
 * Scheduled work driven by an injected clock: the cron matcher, SLA breach escalation along the rule's
 * steps, approval timeouts, and the job lease with two real server processes on one database file.
 * Escalation and approval timeouts are black box on both targets (test/targets): the jobs run as the
 * cron trigger runs them, at the test clock's instant, and what they did is read from the timeline.
 * The cron matcher, the lease between processes and the runner's reports run on the Node server only.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobLeases } from '../../server/db/schema.js';
import { runApprovalTimeouts } from '../../server/jobs/approval-timeouts.js';
import { latestMatch, parseCron } from '../../server/jobs/cron-match.js';
import { JOBS } from '../../server/jobs/registry.js';
import { runDueJobs, runJob } from '../../server/jobs/runner.js';
import { runSlaEscalation } from '../../server/jobs/sla-escalation.js';
import type { Job } from '../../server/jobs/types.js';
import { createUnit, createUser } from '../helpers/factories.js';
import type { ApiClient } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';
import { startTarget, type Target, type TargetClock, targetKind } from '../targets/index.js';

const onNode = targetKind === 'node';

describe.runIf(onNode)('cron matcher (Asia/Ho_Chi_Minh)', () => {
  it.each([
    ['* * * * *', '2026-03-02T02:00:30Z', '2026-03-02T02:00:00.000Z'],
    ['*/15 * * * *', '2026-03-02T02:14:59Z', '2026-03-02T02:00:00.000Z'],
    ['0 3 * * *', '2026-03-02T02:00:00Z', '2026-03-01T20:00:00.000Z'], // 03:00 Hanoi = 20:00 UTC the day before
    ['0 8 * * 1-5', '2026-03-08T05:00:00Z', '2026-03-06T01:00:00.000Z'], // Sunday → last Friday 08:00
    ['30 */10 * * * *', '2026-03-02T02:10:29Z', '2026-03-02T02:00:30.000Z'],
    ['0 0 1 * *', '2026-03-15T00:00:00Z', '2026-02-28T17:00:00.000Z'],
    ['0 9 * * sun', '2026-03-09T00:00:00Z', '2026-03-08T02:00:00.000Z'],
  ])('%s at %s → last slot %s', (expr, now, slot) => {
    expect(latestMatch(parseCron(expr), new Date(now))?.toISOString()).toBe(slot);
  });
  it.each(['* * *', '61 * * * *', '*/0 * * * *', 'x * * * *'])('rejects %s', (expr) => {
    expect(() => parseCron(expr)).toThrow();
  });
});

describe('jobs', () => {
  let s: Target;
  let clock: TargetClock;
  type U = { user: { id: string; username: string }; client: ApiClient };
  let itRoot: U;
  let headBD: U;
  let cityHead: U;
  beforeAll(async () => {
    // The clock jumps days ahead here: keep sessions for the whole (simulated) month.
    s = await startTarget({ start: '2026-03-02T02:00:00Z', env: { SESSION_TTL_HOURS: '720' } }); // Monday 09:00 Hanoi
    clock = s.clock;
    await createUnit(s.admin, { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' });
    itRoot = await createUser(s.admin, [{ role: 'it_staff', unitCode: 'HN' }]);
    headBD = await createUser(s.admin, [{ role: 'unit_head', unitCode: '00004' }]);
    cityHead = await createUser(s.admin, [{ role: 'unit_head', unitCode: 'HN' }]);
  });
  afterAll(async () => s?.stop());

  const kinds = async (c: ApiClient, ticketId: string) =>
    (await c.get('/api/v1/notifications?limit=500')).body.items
      .filter((n: any) => n.ticketId === ticketId)
      .map((n: any) => n.kind);

  /** Timeline entries the jobs write, over every ticket. */
  const written = async () => {
    const [r] = await s.sql<{ breached: number; escalated: number; overdue: number }>(
      `SELECT coalesce(sum(type = 'sla_breached'), 0) AS breached, coalesce(sum(type = 'escalated'), 0) AS escalated,
        coalesce(sum(type = 'approval_overdue'), 0) AS overdue FROM ticket_events`,
    );
    return { breached: Number(r!.breached), escalated: Number(r!.escalated), overdue: Number(r!.overdue) };
  };
  /**
   * One run of the scheduled jobs at the clock's instant; what it did, as the jobs count it: breaches
   * recorded and escalation steps fired (sla-escalation), overdue approval steps escalated
   * (approval-timeouts).
   */
  const runJobs = async () => {
    const before = await written();
    await s.runJobs();
    const after = await written();
    return {
      breached: after.breached - before.breached,
      escalated: after.escalated - before.escalated,
      approvalsEscalated: after.overdue - before.overdue,
    };
  };

  it('escalates an SLA breach step by step along the rule, once per step, in working time', async () => {
    await clock.set('2026-03-02T02:00:00Z');
    // commune-critical-b0: respond 60, resolve 480; escalation 0 → it_staff@HN, 120 → unit_head@self, 480 → admin@HN.
    const t = await headBD.client.post('/api/v1/tickets', {
      unitCode: '00004',
      category: 'network',
      severity: 'critical',
      title: 'Không kết nối được Cổng dịch vụ công',
    });
    const id = t.body.id;
    expect((await runJobs()).escalated).toBe(0);

    await clock.advanceMinutes(61); // 10:01: response overdue
    const r1 = await runJobs();
    expect(r1).toMatchObject({ breached: 1, escalated: 1 });
    // Idempotent: run again at the same instant, past the lease (in process), and in the next minute.
    if (s.node) expect((await runSlaEscalation(s.node.deps, clock.now())).escalated).toBe(0);
    await clock.advanceMinutes(1);
    expect(await runJobs()).toMatchObject({ breached: 0, escalated: 0 });
    let d = (await s.admin.get(`/api/v1/tickets/${id}`)).body;
    expect(d.escalationLevel).toBe(1);
    expect(d.sla.breached.respond).toBeTruthy();
    expect(d.events.filter((e: any) => e.type === 'escalated').map((e: any) => e.data.notify)).toEqual([
      { role: 'it_staff', at: 'root', unitCode: 'HN' },
    ]);
    expect(await kinds(itRoot.client, id)).toEqual(['sla_escalated']);
    expect(await kinds(headBD.client, id)).toEqual([]);

    await clock.set('2026-03-02T05:01:00Z'); // 12:01: two working hours after the breach
    expect((await runJobs()).escalated).toBe(1);
    expect(await kinds(headBD.client, id)).toEqual(['sla_escalated']);

    // Answered now: the response breach no longer drives the ladder; the resolution target is 17:00.
    await itRoot.client.post(`/api/v1/tickets/${id}/actions`, { action: 'acknowledge' });
    await clock.set('2026-03-02T09:30:00Z'); // 16:30
    expect((await runJobs()).escalated).toBe(0);
    await clock.set('2026-03-03T01:00:00Z'); // Tue 08:00 — only the evening has passed since 17:00, no working time
    expect((await runJobs()).escalated).toBe(0);
    d = (await s.admin.get(`/api/v1/tickets/${id}`)).body;
    expect(d.sla.breached.resolve).toBeTruthy();
    expect(d.escalationLevel).toBe(2);
    // The ladder counts from the breach in force — now the resolution target, Monday 17:00 — so the last
    // step (480 working minutes) is due on Tuesday at 16:00, not earlier.
    await clock.set('2026-03-03T08:59:00Z');
    expect((await runJobs()).escalated).toBe(0);
    await clock.set('2026-03-03T09:00:00Z');
    expect((await runJobs()).escalated).toBe(1);
    d = (await s.admin.get(`/api/v1/tickets/${id}`)).body;
    expect(d.escalationLevel).toBe(3);
    expect(d.events.filter((e: any) => e.type === 'escalated').map((e: any) => e.data.level)).toEqual([
      1, 2, 3,
    ]);
    expect(await kinds(s.admin, id)).toEqual(['sla_escalated']);
    await clock.advanceMinutes(24 * 60);
    expect((await runJobs()).escalated).toBe(0); // no steps left
  });

  it('does not escalate while the clock is paused for an approval, but escalates the overdue approval', async () => {
    // Thursday 09:00: the jobs have run up to Wednesday 16:00 (a job runs a slot only once, so the
    // clock of a black box moves forward only).
    await clock.set('2026-03-05T02:00:00Z');
    const [it, head, city] = [itRoot.client, headBD.client, cityHead.client];
    const t = await it.post('/api/v1/tickets', {
      unitCode: '00004',
      category: 'hardware',
      severity: 'critical',
      title: 'Máy chủ hỏng nguồn',
    });
    const id = t.body.id;
    for (const a of [
      { action: 'acknowledge' },
      { action: 'start' },
      { action: 'estimate', costEstimateVnd: 8_000_000 },
    ])
      expect((await it.post(`/api/v1/tickets/${id}/actions`, a)).status).toBe(200);
    // approveMinutes 240 → due 13:00; resolve clock paused.
    await clock.set('2026-03-05T06:01:00Z'); // 13:01
    expect((await runJobs()).approvalsEscalated).toBe(1);
    if (s.node) expect((await runApprovalTimeouts(s.node.deps, clock.now())).escalated).toBe(0);
    await clock.advanceMinutes(1);
    expect((await runJobs()).approvalsEscalated).toBe(0);
    await clock.set('2026-03-06T06:00:00Z'); // far past the 480-minute resolve target, but paused
    expect((await runJobs()).escalated).toBe(0);
    const d = (await s.admin.get(`/api/v1/tickets/${id}`)).body;
    expect(d.escalationLevel).toBe(0);
    const ev = d.events.find((e: any) => e.type === 'approval_overdue');
    expect(ev.data).toMatchObject({
      step: 1,
      unitCode: '00004',
      escalatedTo: { role: 'unit_head', unitCode: 'HN', notified: 1 },
    });
    expect(await kinds(head, id)).toEqual(['approval_overdue', 'approval_requested']);
    expect(await kinds(city, id)).toEqual(['approval_overdue']);
  });

  // In process on the Node server: the runner's own reports, and leases between real processes.
  describe.runIf(onNode)('the runner and its leases', () => {
    it('a job lease lets exactly one of two server processes on one database run a slot', async () => {
      const name = `test-lease-${Date.now()}`;
      const now = '2026-03-06T03:00:10.000Z';
      const startAt = String(Date.now() + 2500); // both processes try at the same instant
      const script = fileURLToPath(new URL('./fixtures/lease-runner.ts', import.meta.url));
      const run = (holder: string) =>
        new Promise<any>((resolve, reject) => {
          execFile(
            process.execPath,
            ['--import', 'tsx', script, s.node!.dbPath, name, now, '1500', startAt, holder],
            { timeout: 20_000 },
            (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout.trim().split('\n').pop()!))),
          );
        });
      const reports = await Promise.all([run('process-a'), run('process-b')]);
      expect(reports.filter((r) => r.ran)).toHaveLength(1);
      const loser = reports.find((r) => !r.ran);
      expect(['leased', 'not_due']).toContain(loser.skipped);
      const lease = (
        await s.node!.deps.store.read.select().from(jobLeases).where(eq(jobLeases.name, name))
      )[0]!;
      expect(lease).toMatchObject({ holder: null, leaseUntil: null, lastError: null });
      expect(lease.lastStartedAt?.toISOString()).toBe(now);
    }, 30_000);

    it('a lease held by a live runner blocks the slot; an expired one (a crashed runner) is taken over', async () => {
      let runs = 0;
      const job: Job = {
        name: `test-held-${Date.now()}`,
        cron: '* * * * *',
        run: async () => {
          runs++;
          return { summary: 'ran' };
        },
      };
      const now = new Date('2026-03-06T03:10:00Z');
      await s.node!.deps.store.write((tx) =>
        tx
          .insert(jobLeases)
          .values({ name: job.name, holder: 'crashed', leaseUntil: new Date(now.getTime() + 60_000) }),
      );
      expect(await runJob(s.node!.deps, job, now)).toMatchObject({ ran: false, skipped: 'leased' });
      const later = new Date(now.getTime() + 120_000);
      expect(await runJob(s.node!.deps, job, later)).toMatchObject({ ran: true });
      expect(await runJob(s.node!.deps, job, new Date(later.getTime() + 5_000))).toMatchObject({
        ran: false,
        skipped: 'not_due',
      });
      expect(runs).toBe(1);
    });

    it('runDueJobs runs the registered jobs under their leases, once per slot', async () => {
      expect(JOBS.map((j) => j.name)).toEqual(
        expect.arrayContaining(['sla-escalation', 'approval-timeouts']),
      );
      const now = new Date('2026-03-06T08:00:00Z'); // after the black-box runs above
      const r1 = await runDueJobs(s.node!.deps, now);
      expect(
        r1.filter((r) => ['sla-escalation', 'approval-timeouts'].includes(r.name)).every((r) => r.ran),
      ).toBe(true);
      // Five seconds later the minute slot has already run (jobs with a finer cron may run again).
      const r2 = await runDueJobs(s.node!.deps, new Date(now.getTime() + 5_000));
      const mine = r2.filter((r) => ['sla-escalation', 'approval-timeouts'].includes(r.name));
      expect(mine).toHaveLength(2);
      expect(mine.every((r) => !r.ran && r.skipped === 'not_due')).toBe(true);
      const failing: Job = {
        name: `test-fail-${Date.now()}`,
        cron: '* * * * *',
        run: async () => {
          throw new Error('boom');
        },
      };
      const f = await runDueJobs(s.node!.deps, now, { jobs: [failing] });
      expect(f[0]).toMatchObject({ ran: false, error: 'boom' });
      // A failed run releases its lease: the next slot runs.
      expect((await runJob(s.node!.deps, failing, new Date(now.getTime() + 60_000))).error).toBe('boom');
    });
  });
});

describe.runIf(onNode)('node scheduler', () => {
  it('starts with the server and stops cleanly', async () => {
    const { startNodeScheduler } = await import('../../server/jobs/node-scheduler.js');
    const s = await startTestServer();
    try {
      const sched = startNodeScheduler(s.deps, [
        { name: 'noop', cron: '0 0 1 1 *', run: async () => ({ summary: '' }) },
      ]);
      sched.stop();
    } finally {
      await s.stop();
    }
  });
});
