/**
 * Silence that comes back, and the grace after a short outage of the server itself — over the real
 * server, the scheduled jobs run by the test clock as the cron trigger runs them (no sleeping).
 * Black box on both targets (test/targets).
 *
 * - A PC silent a second time gets a ticket again: its auto-resolved silence ticket reopens within
 *   24 h of the resolve (like any returning fault), a new one opens after that; the same for a
 *   whole unit's "site offline" ticket.
 * - The server does not blame agents for its own absence: after any scheduler gap longer than about
 *   one agent interval, silence waits 3 intervals + the agents' longest retry backoff from the moment
 *   the server is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../../agent/net/backoff.js';
import { AGENT_MAX_BACKOFF_MS } from '../../server/services/detection-silence.js';
import { createUnit } from '../helpers/factories.js';
import { enroll, type SimAgent, sendEach, useClock } from '../ingest/agents.js';
import { ADMIN_PASSWORD, startTarget, type Target, type TargetClock } from '../targets/index.js';
import { deviceStatus, events, tickets, ticketsOf, unitId } from './db.js';

let s: Target;
let clock: TargetClock;

beforeAll(async () => {
  s = await startTarget({ start: '2026-03-02T02:00:00Z' });
  clock = s.clock;
  useClock(clock);
});
afterAll(async () => s?.stop());

/** One minute passes: the listed agents report, then the scheduled jobs run (the silence job with them). */
async function minute(reporting: SimAgent[]) {
  await clock.advanceMinutes(1);
  for (const a of reporting) await sendEach(a, 1);
  await s.runJobs();
}

async function minutes(n: number, reporting: SimAgent[]) {
  for (let i = 0; i < n; i++) await minute(reporting);
}

async function commune(name: string) {
  return (await createUnit(s.admin, { name, level: 'commune', parentCode: 'HN' })).code;
}

const siteTickets = async (uid: string) => tickets(s, 'unit_id = ? AND device_id IS NULL', uid);

/** Every agent of `all` but `quiet` reports each minute from here on (keeps other tests' agents alive). */
let everyone: SimAgent[] = [];
const others = (...quiet: SimAgent[]) => everyone.filter((a) => !quiet.includes(a));

describe('silence, a second time', () => {
  it('reopens the auto-resolved silence ticket within 24 h, opens a new one after that', async () => {
    const code = await commune('Phường Kim Liên');
    const a = await enroll(s.admin, code);
    everyone.push(a);
    await minute(everyone);
    // First silence: a ticket after 3 intervals (60 s) without a report; the agent returns → resolved.
    await minutes(4, others(a));
    const first = await ticketsOf(s, a.deviceId);
    expect(first).toHaveLength(1);
    expect(first[0]!.status).toBe('open');
    await minutes(2, everyone);
    expect((await ticketsOf(s, a.deviceId))[0]!.status).toBe('resolved');
    expect(await deviceStatus(s, a.deviceId)).toBe('ok');

    // Silent again an hour later: the same ticket reopens (it resolved less than 24 h ago).
    await minutes(60, everyone);
    await minutes(3, others(a));
    expect((await ticketsOf(s, a.deviceId))[0]!.status).toBe('resolved');
    await minute(others(a));
    const again = await ticketsOf(s, a.deviceId);
    expect(again).toHaveLength(1);
    expect(again[0]!.status).toBe('open');
    expect((await events(s, again[0]!.id)).map((e) => e.type)).toContain('reopen');
    expect(await deviceStatus(s, a.deviceId)).toBe('silent');
    // Still silent: nothing more happens to it.
    await minutes(3, others(a));
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
    const reopenCount = (await events(s, again[0]!.id)).filter((e) => e.type === 'reopen').length;
    expect(reopenCount).toBe(1);
    // Back: resolved again.
    await minute(everyone);
    expect((await ticketsOf(s, a.deviceId))[0]!.status).toBe('resolved');

    // More than 24 h after that resolve: a new ticket, the old one stays resolved.
    await clock.advanceMinutes(25 * 60);
    s.admin = await s.anon.login('admin', ADMIN_PASSWORD);
    await minutes(10, everyone); // the server's own gap above has its grace; all report meanwhile
    await minutes(4, others(a));
    const later = await ticketsOf(s, a.deviceId);
    expect(later).toHaveLength(2);
    expect(later[0]!.status).toBe('resolved');
    expect(later[1]!.status).toBe('open');
    await minute(everyone);
    expect((await ticketsOf(s, a.deviceId))[1]!.status).toBe('resolved');
  });

  it('a whole unit silent a second time reopens its "site offline" ticket', async () => {
    const code = await commune('Phường Văn Miếu');
    const uid = await unitId(s, code);
    const devs = [await enroll(s.admin, code), await enroll(s.admin, code)];
    everyone.push(...devs);
    await minute(everyone);
    await minutes(4, others(...devs));
    const site = await siteTickets(uid);
    expect(site).toHaveLength(1);
    expect(site[0]!.status).toBe('open');
    // Back: the site ticket resolves; nobody gets a ticket of their own.
    await minutes(5, everyone);
    expect((await siteTickets(uid))[0]!.status).toBe('resolved');
    // Down again: the same site ticket reopens, still no device tickets.
    await minutes(4, others(...devs));
    const again = await siteTickets(uid);
    expect(again).toHaveLength(1);
    expect(again[0]!.status).toBe('open');
    for (const d of devs) expect(await ticketsOf(s, d.deviceId)).toHaveLength(0);
    await minutes(5, everyone);
    expect((await siteTickets(uid))[0]!.status).toBe('resolved');
  });

  it('a PC detached from a recovered site, ticketed, back, then silent again gets its ticket back', async () => {
    const code = await commune('Phường Ô Chợ Dừa');
    const uid = await unitId(s, code);
    const [p, q] = [await enroll(s.admin, code), await enroll(s.admin, code)];
    everyone.push(p!, q!);
    await minute(everyone);
    await minutes(4, others(p!, q!));
    expect(await siteTickets(uid)).toHaveLength(1);
    // p comes back (the site recovers); q stays silent and gets a ticket of its own 3 intervals later.
    await minutes(5, others(q!));
    expect((await siteTickets(uid))[0]!.status).toBe('resolved');
    const own = await ticketsOf(s, q!.deviceId);
    expect(own).toHaveLength(1);
    expect(own[0]!.status).toBe('open');
    await minutes(2, everyone);
    expect((await ticketsOf(s, q!.deviceId))[0]!.status).toBe('resolved');
    // q silent again on its own: its ticket reopens.
    await minutes(4, others(q!));
    const again = await ticketsOf(s, q!.deviceId);
    expect(again).toHaveLength(1);
    expect(again[0]!.status).toBe('open');
    await minute(everyone);
    expect((await ticketsOf(s, q!.deviceId))[0]!.status).toBe('resolved');
  });
});

describe('after a short outage of the server', () => {
  it('the grace is 3 intervals plus the agents’ longest backoff', () => {
    expect(AGENT_MAX_BACKOFF_MS).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it('a 4-minute outage opens no tickets while agents come back within their backoff', async () => {
    const units = [await commune('Phường Thanh Xuân'), await commune('Phường Khương Đình')];
    const devs: SimAgent[] = [];
    for (const u of units) devs.push(await enroll(s.admin, u), await enroll(s.admin, u));
    const lone = await enroll(s.admin, await commune('Xã Đông Anh'));
    devs.push(lone);
    everyone.push(...devs);
    await minutes(3, everyone);
    const before = (await tickets(s)).length;

    // The server is down 4 minutes: no job runs, no report arrives.
    await clock.advanceMinutes(4);
    // Back: agents still in backoff (up to 5 min) trickle in over the next minutes, the lone PC never.
    await s.runJobs();
    await minutes(4, others(...devs));
    await minute(others(lone, ...devs.slice(1)));
    await minute(others(lone, ...devs.slice(2)));
    await minute(others(lone));
    expect(await tickets(s)).toHaveLength(before);
    for (const d of devs.slice(0, 4)) expect(await deviceStatus(s, d.deviceId)).not.toBe('silent');
    for (const u of units) expect(await siteTickets(await unitId(s, u))).toHaveLength(0);

    // The lone PC stays silent past the grace (3 intervals + 5 min from the server's return): its ticket.
    await minute(others(lone));
    expect(await ticketsOf(s, lone.deviceId)).toHaveLength(0);
    await minute(others(lone));
    const mine = await ticketsOf(s, lone.deviceId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ category: 'network', severity: 'major', status: 'open' });
    expect(await tickets(s)).toHaveLength(before + 1);
    everyone = others(lone);
  });

  it('after an hour down, a PC that never comes back gets its ticket 3 intervals + 5 min after the return', async () => {
    const a = await enroll(s.admin, await commune('Xã Gia Lâm'));
    everyone.push(a);
    await minute(everyone);
    await clock.advanceMinutes(60);
    s.admin = await s.anon.login('admin', ADMIN_PASSWORD);
    await s.runJobs();
    everyone = others(a);
    await minutes(8, everyone);
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(0);
    expect(await deviceStatus(s, a.deviceId)).not.toBe('silent');
    await minute(everyone);
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
    expect(await deviceStatus(s, a.deviceId)).toBe('silent');
  });

  it('a device silent before the outage keeps its ticket; normal cadence grants no grace', async () => {
    const a = await enroll(s.admin, await commune('Xã Mê Linh'));
    everyone.push(a);
    await minute(everyone);
    // One-minute scheduler runs are normal (Workers' cron): no grace, silence after 3 intervals.
    await minutes(4, others(a));
    expect(await ticketsOf(s, a.deviceId)).toHaveLength(1);
    // A short outage: the open ticket stays as it is, nothing new is opened for it.
    await clock.advanceMinutes(4);
    await s.runJobs();
    await minutes(10, others(a));
    const t = await ticketsOf(s, a.deviceId);
    expect(t).toHaveLength(1);
    expect(t[0]!.status).toBe('open');
    everyone = others(a);
  });
});
