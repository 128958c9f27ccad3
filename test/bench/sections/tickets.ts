/**
 * The write model's cost (ADR 0203) on the calls that go through it most: ticket creation and
 * ticket actions on Node (the real `onestop-server` program over a libSQL file, 16 concurrent
 * clients, bounded time), with and without contention on one ticket; then the same calls and an agent
 * report, one at a time, in local workerd over D1 next to Node. Loopback only; bounded counts.
 * `BENCH_TICKETS_SECONDS` (default 8) sets each Node run's length.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../helpers/http.js';
import { migrateLocalD1, quietWrangler, ROOT, startLocalWorker } from '../../workers/wrangler-env.js';
import { median, percentile } from '../stats.js';

const PASSWORD = 'mật-khẩu-đo-hiệu-năng';
const SECONDS = Number(process.env.BENCH_TICKETS_SECONDS ?? 8);
const CONCURRENCY = 16;
const ROUNDS = 3;

const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function startNode(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['dist/onestop-server.mjs'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
      ADMIN_PASSWORD: PASSWORD,
      PASSWORD_ITERATIONS: '1000',
      ROOT_UNIT_CODE: 'HN',
      SCHEDULER: 'off',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return { url, child };
}

/** A commune and an IT officer who may work its tickets. */
async function world(anon: ApiClient): Promise<{ admin: ApiClient; it: ApiClient }> {
  const admin = await anon.login('admin', PASSWORD);
  const u = await admin.post('/api/v1/units', {
    code: '00004',
    name: 'Phường Ba Đình',
    level: 'commune',
    parentCode: 'HN',
  });
  if (u.status !== 201) throw new Error(`unit: ${u.status} ${u.text}`);
  const user = await admin.post('/api/v1/users', {
    username: 'it-bench',
    displayName: 'Cán bộ CNTT',
    password: 'mat-khau-it-bench',
    roles: [{ role: 'it_staff', unitCode: 'HN' }],
  });
  if (user.status !== 201) throw new Error(`user: ${user.status} ${user.text}`);
  let it = await anon.login('it-bench', 'mat-khau-it-bench');
  // A forced password change on first sign-in would stand in the way of the API calls: skip it if asked.
  const me = await it.get('/api/v1/auth/me');
  if (me.body?.mustChangePassword) {
    await it.post('/api/v1/auth/password', {
      currentPassword: 'mat-khau-it-bench',
      newPassword: 'mat-khau-it-bench-2',
    });
    it = await anon.login('it-bench', 'mat-khau-it-bench-2');
  }
  return { admin, it };
}

const newTicket = (c: ApiClient, i: number) =>
  c.post('/api/v1/tickets', {
    unitCode: '00004',
    category: 'peripheral',
    severity: 'major',
    title: `Máy in phiếu hẹn kẹt giấy #${i}`,
  });

interface Run {
  ok: number;
  failed: number;
  statuses: Map<number, number>;
  lat: number[];
  seconds: number;
}

/** `CONCURRENCY` clients calling `call(worker, i)` back to back for `seconds`. */
async function drive(
  seconds: number,
  call: (w: number, i: number) => Promise<{ status: number }>,
): Promise<Run> {
  const r: Run = { ok: 0, failed: 0, statuses: new Map(), lat: [], seconds };
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = 0; performance.now() < until; i++) {
        const t = performance.now();
        const res = await call(w, i);
        r.lat.push(performance.now() - t);
        r.statuses.set(res.status, (r.statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 200 && res.status < 300) r.ok++;
        else r.failed++;
      }
    }),
  );
  r.seconds = (performance.now() - t0) / 1000;
  return r;
}

function line(label: string, runs: Run[]): string {
  const rates = runs.map((r) => r.ok / r.seconds);
  const all = runs.flatMap((r) => r.lat);
  const st = new Map<number, number>();
  for (const r of runs) for (const [k, v] of r.statuses) st.set(k, (st.get(k) ?? 0) + v);
  const statuses = [...st.entries()].map(([k, v]) => `${k}×${fmt(v)}`).join(' ');
  return `${label}: ${fmt(median(rates))}/s (runs ${rates.map((x) => fmt(x)).join(', ')}), p50 ${ms(percentile(all, 50))}, p99 ${ms(percentile(all, 99))}; ${statuses}`;
}

async function nodePart(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onestop-bench-tk-'));
  const { url, child } = await startNode(dir);
  try {
    const { it } = await world(new ApiClient(url));
    const creates: Run[] = [];
    const ids: string[] = [];
    let n = 0;
    for (let k = 0; k < ROUNDS; k++)
      creates.push(
        await drive(SECONDS / 2, async () => {
          const r = await newTicket(it, n++);
          if (r.status === 201 && ids.length < 4000) ids.push(r.body.id);
          return r;
        }),
      );
    console.log(line(`node: POST /tickets, ${CONCURRENCY} clients`, creates));
    // Each client comments on its own tickets: guards never collide, the cost is the write path itself.
    const own: Run[] = [];
    for (let k = 0; k < ROUNDS; k++)
      own.push(
        await drive(SECONDS, (w, i) =>
          it.post(`/api/v1/tickets/${ids[(w + i * CONCURRENCY) % ids.length]}/actions`, {
            action: 'comment',
            note: 'Đã liên hệ nhà cung cấp',
          }),
        ),
      );
    console.log(line(`node: ticket action (comment), ${CONCURRENCY} clients on their own tickets`, own));
    // Everyone on ONE ticket: every commit but one per group loses its version guard and re-runs.
    const hot: Run[] = [];
    for (let k = 0; k < ROUNDS; k++)
      hot.push(
        await drive(SECONDS / 2, () =>
          it.post(`/api/v1/tickets/${ids[0]}/actions`, { action: 'comment', note: 'Cùng một phiếu' }),
        ),
      );
    console.log(line(`node: ticket action (comment), ${CONCURRENCY} clients on ONE ticket`, hot));
    const v = await it.get(`/api/v1/tickets/${ids[0]}/verify`);
    console.log(`node: the hot ticket's timeline after the run: ${JSON.stringify(v.body)}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sequential(n: number, f: (i: number) => Promise<{ status: number; text?: string }>) {
  const out: number[] = [];
  let bad: { status: number; text?: string } | undefined;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await f(i);
    out.push(performance.now() - t);
    if (r.status >= 300 && !bad) bad = r;
  }
  return { out, bad };
}

async function latencies(
  label: string,
  base: string,
): Promise<Record<string, { p50: number; p95: number } | string>> {
  const anon = new ApiClient(base);
  const { admin, it } = await world(anon);
  const res: Record<string, { p50: number; p95: number } | string> = {};
  const record = (name: string, s: Awaited<ReturnType<typeof sequential>>) => {
    res[name] = s.bad
      ? `fails: ${s.bad.status} ${(s.bad.text ?? '').slice(0, 80)}`
      : { p50: percentile(s.out, 50), p95: percentile(s.out, 95) };
  };
  const ids: string[] = [];
  record(
    'POST /tickets',
    await sequential(60, async (i) => {
      const r = await newTicket(it, i);
      if (r.status === 201) ids.push(r.body.id);
      return r;
    }),
  );
  if (ids.length > 0) {
    record(
      'action acknowledge',
      await sequential(ids.length, (i) =>
        it.post(`/api/v1/tickets/${ids[i]}/actions`, { action: 'acknowledge' }),
      ),
    );
    record(
      'action comment',
      await sequential(60, (i) =>
        it.post(`/api/v1/tickets/${ids[i % ids.length]}/actions`, { action: 'comment', note: 'ghi chú' }),
      ),
    );
  }
  const tok = await admin.post('/api/v1/units/00004/enrollment-tokens', {});
  const en = await anon.post('/api/v1/agent/enroll', {
    enrollmentToken: tok.body?.token,
    hostname: 'MOTCUA-BADINH-01',
    hardwareId: `HW-BENCH-${label}`,
    os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
    agentVersion: '0.1.0',
  });
  if (en.status !== 201) res['POST /agent/reports (1 report)'] = `enroll fails: ${en.status}`;
  else {
    const agent = anon.withToken(en.body.agentToken);
    const at = Date.now();
    record(
      'POST /agent/reports (1 report)',
      await sequential(100, (i) =>
        agent.post('/api/v1/agent/reports', {
          reports: [
            {
              seq: i + 1,
              collectedAt: new Date(at + i * 1000).toISOString(),
              disks: [{ mount: 'C:', fs: 'NTFS', sizeBytes: 256e9, usedBytes: 100e9, smart: 'ok' }],
              targets: [{ id: 'dvc-quoc-gia', ok: true, latencyMs: 40 }],
              peripherals: [{ kind: 'printer', name: 'Canon LBP2900', connected: true }],
              system: { cpuLoadPct: 12, memUsedPct: 48, uptimeSec: 3600 },
              agent: { version: '0.1.0', spooled: 0 },
            },
          ],
        }),
      ),
    );
  }
  return res;
}

async function workerdPart(): Promise<void> {
  quietWrangler();
  const dir = mkdtempSync(join(tmpdir(), 'onestop-bench-wk-'));
  const ndir = mkdtempSync(join(tmpdir(), 'onestop-bench-nd-'));
  try {
    migrateLocalD1(dir);
    const worker = await startLocalWorker(
      dir,
      { ADMIN_PASSWORD: PASSWORD, PASSWORD_ITERATIONS: '1000' },
      { logLevel: 'none' },
    );
    await worker.ready;
    const url = (await worker.url).toString().replace(/\/$/, '');
    for (let i = 0; i < 300; i++)
      if ((await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200) break;
    const wk = await latencies('wk', url);
    await worker.dispose();
    const node = await startNode(ndir);
    const nd = await latencies('nd', node.url);
    node.child.kill('SIGTERM');
    await new Promise((r) => node.child.once('exit', r));
    console.log('one call at a time, p50 / p95:');
    for (const k of new Set([...Object.keys(nd), ...Object.keys(wk)])) {
      const a = wk[k];
      const b = nd[k];
      const show = (x: typeof a) =>
        x === undefined ? 'not measured' : typeof x === 'string' ? x : `${ms(x.p50)} / ${ms(x.p95)}`;
      const ratio =
        typeof a === 'object' && typeof b === 'object'
          ? `  (workers/node p50 ×${(a.p50 / b.p50).toFixed(1)})`
          : '';
      console.log(`  ${k}: workers/D1 ${show(a)}; node/libSQL ${show(b)}${ratio}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(ndir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await nodePart();
  await workerdPart();
}
