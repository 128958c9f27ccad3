import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHanoiUnits } from '../../../agent/simulate/hanoi-units.js';
import { ApiClient } from '../../helpers/http.js';
import { startTestServer } from '../../helpers/server.js';
import { migrateLocalD1, quietWrangler, startLocalWorker } from '../../workers/wrangler-env.js';

const ADMIN_PASSWORD = 'mật-khẩu-đo-hiệu-năng';
const ROUNDS = 200;

function communes(): { code: string; name: string }[] {
  return loadHanoiUnits().map(({ code, name }) => ({ code, name }));
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function timed(n: number, f: () => Promise<{ status: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await f();
    out.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`status ${r.status}`);
  }
  return out;
}

async function load(admin: ApiClient): Promise<void> {
  for (const u of communes()) {
    const r = await admin.post('/api/v1/units', {
      code: u.code,
      name: u.name,
      level: 'commune',
      parentCode: 'HN',
    });
    if (r.status !== 201) throw new Error(`unit ${u.code}: ${r.status} ${r.text}`);
  }
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

export async function run(): Promise<void> {
  quietWrangler();
  const dir = mkdtempSync(join(tmpdir(), 'onestop-bench-wk-'));
  try {
    migrateLocalD1(dir);
    const t0 = performance.now();
    const worker = await startLocalWorker(dir, { ADMIN_PASSWORD }, { logLevel: 'none' });
    await worker.ready;
    const tReady = performance.now();
    const anon = new ApiClient((await worker.url).toString().replace(/\/$/, ''));
    let health = { status: 0 };
    while (health.status !== 200 && performance.now() - t0 < 60_000)
      health = await anon.get('/healthz').catch(() => ({ status: 0 }));
    const tHealth = performance.now();
    const ready = await anon.get('/readyz');
    const tBoot = performance.now();
    if (health.status !== 200 || ready.status !== 200) throw new Error('worker not ready');
    console.log(
      `workers: start → ready ${ms(tReady - t0)}; start → first 200 (/healthz) ${ms(tHealth - t0)}`,
    );
    console.log(`workers: first /readyz incl. bootstrap (PBKDF2 100 000 + D1 batch) ${ms(tBoot - tHealth)}`);
    const tl = performance.now();
    const admin = await anon.login('admin', ADMIN_PASSWORD);
    console.log(`workers: sign-in (PBKDF2 100 000, session batch) ${ms(performance.now() - tl)}`);
    const tLoad = performance.now();
    await load(admin);
    const created = communes().length;
    console.log(
      `workers: POST /api/v1/units ×${created}, mean ${ms((performance.now() - tLoad) / created)} each`,
    );
    const wkHealth = await timed(ROUNDS, () => anon.get('/healthz'));
    const wk50 = await timed(ROUNDS, () => admin.get('/api/v1/units'));
    const wk500 = await timed(ROUNDS / 4, () => admin.get('/api/v1/units?limit=500'));
    await worker.dispose();

    const node = await startTestServer({ env: { PASSWORD_ITERATIONS: '100000' } });
    await load(node.admin);
    const ndHealth = await timed(ROUNDS, () => node.anon.get('/healthz'));
    const nd50 = await timed(ROUNDS, () => node.admin.get('/api/v1/units'));
    const nd500 = await timed(ROUNDS / 4, () => node.admin.get('/api/v1/units?limit=500'));
    await node.stop();

    // /healthz touches no database: it is the cost of the HTTP path (wrangler's local proxy in front of workerd).
    console.log(
      `GET /healthz, ${ROUNDS} sequential: workers p50 ${ms(pct(wkHealth, 50))}, node p50 ${ms(pct(ndHealth, 50))}`,
    );
    console.log(`GET /api/v1/units (50 of 127; 6 queries incl. session), ${ROUNDS} sequential:`);
    console.log(`  workers/D1  p50 ${ms(pct(wk50, 50))}  p95 ${ms(pct(wk50, 95))}`);
    console.log(
      `  node/libSQL p50 ${ms(pct(nd50, 50))}  p95 ${ms(pct(nd50, 95))}  (workers/node p50 ×${(pct(wk50, 50) / pct(nd50, 50)).toFixed(1)})`,
    );
    console.log(`GET /api/v1/units?limit=500 (127), ${ROUNDS / 4} sequential:`);
    console.log(`  workers/D1  p50 ${ms(pct(wk500, 50))}   node/libSQL p50 ${ms(pct(nd500, 50))}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
