/**
 * Core figures: cold start of the real `onestop-server` program (empty and existing database) and the
 * latency of sign-in (deliberately slow: PBKDF2 at the production iteration count) and of a plain read.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, percentile } from '../stats.js';

async function coldStart(dbPath: string): Promise<{ ms: number; url: string; stop: () => Promise<void> }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['dist/onestop-server.mjs'], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      DATABASE_URL: `file:${dbPath}`,
      ADMIN_PASSWORD: 'bench-password',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  for (;;) {
    const r = await fetch(`${url}/readyz`).catch(() => undefined);
    if (r?.status === 200) break;
  }
  const ms = performance.now() - t0;
  return {
    ms,
    url,
    stop: () =>
      new Promise<void>((r) => {
        child.on('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onestop-bench-core-'));
  try {
    const fresh: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      const db = join(dir, `db${i}.sqlite`);
      const a = await coldStart(db);
      fresh.push(a.ms);
      await a.stop();
      const b = await coldStart(db);
      warm.push(b.ms);
      await b.stop();
    }
    console.log(
      `cold start to /readyz 200, new database (migrate + bootstrap): median ${median(fresh).toFixed(0)} ms (n=5)`,
    );
    console.log(`cold start to /readyz 200, existing database: median ${median(warm).toFixed(0)} ms (n=5)`);

    const s = await coldStart(join(dir, 'login.sqlite'));
    const logins: number[] = [];
    let token = '';
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      const r = await fetch(`${s.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'bench-password' }),
      });
      logins.push(performance.now() - t0);
      token = ((await r.json()) as { token: string }).token;
    }
    console.log(
      `sign-in (PBKDF2-SHA-256, 600 000 iterations): p50 ${percentile(logins, 50).toFixed(0)} ms, p95 ${percentile(logins, 95).toFixed(0)} ms (n=15, sequential)`,
    );
    const reads: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await (await fetch(`${s.url}/api/v1/units`, { headers: { authorization: `Bearer ${token}` } })).text();
      reads.push(performance.now() - t0);
    }
    console.log(
      `GET /api/v1/units (authenticated): p50 ${percentile(reads, 50).toFixed(2)} ms, p95 ${percentile(reads, 95).toFixed(2)} ms (n=200, sequential)`,
    );
    await s.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
