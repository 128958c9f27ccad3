/**
 * An operator can follow what happened: one access-log line per request (route pattern, status,
 * duration, request id, who) and one line per job run, at `info`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LogFields, Logger } from '../../server/deps.js';
import { complianceJob } from '../../server/jobs/compliance.js';
import { runJob } from '../../server/jobs/runner.js';
import { type RunningServer, startServer } from '../../server/start.js';
import { ApiClient } from '../helpers/http.js';

const lines: { level: string; msg: string; fields: LogFields }[] = [];
const capture: Logger = {
  debug: (msg, fields = {}) => lines.push({ level: 'debug', msg, fields }),
  info: (msg, fields = {}) => lines.push({ level: 'info', msg, fields }),
  warn: (msg, fields = {}) => lines.push({ level: 'warn', msg, fields }),
  error: (msg, fields = {}) => lines.push({ level: 'error', msg, fields }),
};
const dir = mkdtempSync(join(tmpdir(), 'onestop-log-'));
let s: RunningServer;
beforeAll(async () => {
  s = await startServer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
      ADMIN_PASSWORD: 'admin-password-for-tests',
      PASSWORD_ITERATIONS: '1000',
    },
    logger: capture,
    print: () => {},
    scheduler: false,
  });
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('logs each request with its route pattern, status, time, request id and user; and each job run', async () => {
  const admin = await new ApiClient(s.url).login('admin', 'admin-password-for-tests');
  const r = await fetch(`${s.url}/api/v1/tickets/01NOSUCHTICKET?x=secret`, {
    headers: { authorization: `Bearer ${admin.token}`, 'x-request-id': 'req-test-1' },
  });
  expect(r.status).toBe(404);
  const line = lines.find((l) => l.msg === 'request' && l.fields.requestId === 'req-test-1');
  expect(line).toMatchObject({
    level: 'info',
    fields: { method: 'GET', route: '/api/v1/tickets/:id', status: 404, user: 'admin' },
  });
  expect(typeof line!.fields.ms).toBe('number');
  expect(JSON.stringify(line)).not.toContain('secret');
  await runJob(s.deps, complianceJob, new Date(), { force: true });
  expect(lines.find((l) => l.msg === 'job ran')).toMatchObject({
    level: 'info',
    fields: { job: 'compliance-tickets' },
  });
});
