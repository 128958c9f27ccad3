/**
 * SLA escalation visits every breached ticket, page by page (it used to stop after the first 500):
 * 1,100 breached tickets are all marked breached and escalated in one run, and a second run adds none.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSlaEscalation } from '../../server/jobs/sla-escalation.js';
import { ManualClock } from '../helpers/clock.js';
import { createUnit } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const clock = new ManualClock('2026-03-02T02:00:00Z'); // Monday 09:00 in Hanoi
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ clock, env: { SESSION_TTL_HOURS: '720' } });
});
afterAll(async () => s?.stop());

const N = 1100;

it(`escalates all ${N} breached tickets, past the first page of 500`, async () => {
  const ward = await createUnit(s.admin, { level: 'commune', parentCode: 'HN', name: 'Phường Ba Đình' });
  for (let i = 0; i < N; i += 25)
    await Promise.all(
      Array.from({ length: Math.min(25, N - i) }, (_, k) =>
        s.admin
          .post('/api/v1/tickets', {
            unitCode: ward.code,
            category: 'hardware',
            severity: 'critical',
            title: `Máy tính quầy ${i + k + 1} không khởi động`,
          })
          .then((r) => {
            if (r.status !== 201) throw new Error(r.text);
          }),
      ),
    );
  clock.advanceMinutes(3 * 24 * 60); // Thursday: every critical ticket is past its resolution target
  const count = async (where: string) =>
    Number(
      (
        (await s.deps.store.read.all(sql.raw(`SELECT count(*) AS n FROM tickets WHERE ${where}`))) as {
          n: number;
        }[]
      )[0]!.n,
    );
  const r = await runSlaEscalation(s.deps, clock.now());
  expect(r.breached).toBe(N);
  expect(r.escalated).toBeGreaterThanOrEqual(N);
  expect(await count('escalation_level = 0')).toBe(0);
  expect(await count(`json_extract(sla, '$.breached') IS NULL`)).toBe(0);
  const again = await runSlaEscalation(s.deps, clock.now());
  expect(again.escalated).toBe(0);
}, 120_000);
