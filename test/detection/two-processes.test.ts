/**
 * Two real server processes on one database file, racing the same fault: exactly one ticket per
 * fingerprint, whichever process evaluates which reports, and every report stored once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../helpers/http.js';
import { enroll, report } from '../ingest/agents.js';

const PASSWORD = 'two-processes-password';
let dir: string;
const procs: ChildProcess[] = [];
let urls: string[] = [];

function startProcess(dbPath: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/node.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${dbPath}`,
      ADMIN_PASSWORD: PASSWORD,
      ROOT_UNIT_CODE: 'HN',
      PASSWORD_ITERATIONS: '1000',
      SCHEDULER: 'off',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d) => {
      out += d.toString();
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onestop-two-'));
  const db = join(dir, 'shared.db');
  urls = [await startProcess(db)];
  urls.push(await startProcess(db));
}, 60_000);

afterAll(async () => {
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(
    procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))),
  );
  rmSync(dir, { recursive: true, force: true });
});

describe('two server processes, one database', () => {
  it('race the same faults into exactly one ticket each', async () => {
    const [a, b] = await Promise.all(urls.map((u) => new ApiClient(u).login('admin', PASSWORD)));
    const unit = await a!.post('/api/v1/units', {
      code: '00070',
      name: 'Phường Hoàn Kiếm',
      level: 'commune',
      parentCode: 'HN',
    });
    expect(unit.status).toBe(201);
    const rounds = 6;
    const agents = [];
    for (let i = 0; i < rounds; i++) agents.push(await enroll(i % 2 ? a! : b!, '00070'));
    await Promise.all(
      agents.map(async (ag, i) => {
        // The same three bad readings go to both processes at once, then three more split between them.
        const first = [1, 2, 3].map(() => report(ag, { freePct: 2 }));
        const more = [4, 5, 6].map(() => report(ag, { freePct: 2, failing: ['dvc-ha-noi'] }));
        const viaA = new ApiClient(urls[0]!, ag.token);
        const viaB = new ApiClient(urls[1]!, ag.token);
        const r = await Promise.all([
          viaA.post('/api/v1/agent/reports', { reports: first }),
          viaB.post('/api/v1/agent/reports', { reports: first }),
        ]);
        expect(r.map((x) => x.status)).toEqual([200, 200]);
        expect(r[0]!.body.accepted + r[1]!.body.accepted).toBe(3);
        const r2 = await Promise.all(
          more.map((rep, k) => ((k + i) % 2 ? viaA : viaB).post('/api/v1/agent/reports', { reports: [rep] })),
        );
        expect(r2.every((x) => x.status === 200)).toBe(true);
      }),
    );
    const client = createClient({ url: `file:${join(dir, 'shared.db')}` });
    try {
      const per = await client.execute(
        `SELECT fingerprint, count(*) AS n FROM tickets WHERE status NOT IN ('resolved','closed') GROUP BY fingerprint`,
      );
      const disk = per.rows.filter((r) => String(r.fingerprint).includes('|disk_free|'));
      expect(disk).toHaveLength(rounds);
      expect(per.rows.every((r) => Number(r.n) === 1)).toBe(true);
      const reports = await client.execute('SELECT count(*) AS n FROM reports');
      expect(Number(reports.rows[0]!.n)).toBe(rounds * 6);
    } finally {
      client.close();
    }
  }, 60_000);

  it('number manual tickets opened at once through both processes without a collision or a failure', async () => {
    const [a, b] = await Promise.all(urls.map((u) => new ApiClient(u).login('admin', PASSWORD)));
    const before = Number((await a!.get('/api/v1/tickets?limit=1')).body.items[0]?.number ?? 0);
    const n = 40;
    const res = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        (i % 2 ? a! : b!).post('/api/v1/tickets', {
          unitCode: '00070',
          category: 'peripheral',
          severity: 'major',
          title: `Máy quét hồ sơ lỗi #${i}`,
        }),
      ),
    );
    // Numbers are assigned inside the INSERT at commit, under the database's write lock: never max+1
    // computed by one process while the other commits the same number.
    expect(res.map((r) => r.status)).toEqual(Array(n).fill(201));
    const numbers = res.map((r) => r.body.number as number).sort((x, y) => x - y);
    expect(new Set(numbers).size).toBe(n);
    expect(numbers[0]).toBeGreaterThan(before);
  }, 60_000);
});
