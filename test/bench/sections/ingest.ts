/**
 * Ingest throughput: the real server (built `dist/onestop-server.mjs`, its own process) on a temp
 * database, N enrolled simulated devices, and `wrk` driving report batches over loopback at a fixed
 * concurrency for a fixed time — at 1 and 100 reports per request. Where Debian's
 * `prometheus-alertmanager` is installed, the same load shape (same wrk, same Lua structure, same
 * concurrency) goes to Alertmanager's `POST /api/v2/alerts`, and the ratio is printed.
 *
 * Every 200 from our server means the reports are committed to the database file; Alertmanager keeps
 * alerts in memory only. Prints reports/s, p50/p95/p99 latency, non-2xx, server RSS and CPU, and
 * database bytes per 1 000 reports. Measures; never asserts.
 *
 * Runs are interleaved (ours, Alertmanager, ours, …) and medians printed, because the machine is shared.
 *
 * Knobs (env): BENCH_INGEST_SECONDS (5), BENCH_INGEST_REPS (3), BENCH_INGEST_DEVICES (200),
 * BENCH_INGEST_CONNECTIONS (32), BENCH_INGEST_THREADS (2), BENCH_INGEST_WORKERS (1; 2 adds a node:cluster
 * variant with one writer per worker on the same file), BENCH_INGEST_PROFILE=1 (--cpu-prof, kept).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 5);
const REPS = Number(process.env.BENCH_INGEST_REPS ?? 3);
const DEVICES = Number(process.env.BENCH_INGEST_DEVICES ?? 200);
const CONNECTIONS = Number(process.env.BENCH_INGEST_CONNECTIONS ?? 32);
const THREADS = Number(process.env.BENCH_INGEST_THREADS ?? 2);
const PROFILE = process.env.BENCH_INGEST_PROFILE === '1';
const WRK = '/usr/bin/wrk';
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

interface WrkResult {
  requests: number;
  durationUs: number;
  non2xx: number;
  socketErrors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

function procStats(pid: number): { cpuSec: number; rssMb: number; hwmMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = 100; // USER_HZ on Linux
  const cpuSec = (Number(fields[11]) + Number(fields[12])) / ticks;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuSec, rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Async, so this process keeps serving its own sockets (a blocked loop would reuse dead keep-alives). */
async function runWrk(
  url: string,
  script: string,
  args: string[],
  seconds: number,
  keysFile: string,
): Promise<WrkResult> {
  const wrkArgs = [
    `-t${THREADS}`,
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '--timeout',
    '10s',
    '-s',
    script,
    url,
  ];
  const { stdout: out } = await execFileAsync(WRK, [...wrkArgs, '--', ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, BENCH_KEYS_FILE: keysFile },
  });
  const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out);
  if (!m) throw new Error(`wrk output not understood:\n${out}`);
  const n = m.slice(1).map(Number);
  return {
    requests: n[0]!,
    durationUs: n[1]!,
    non2xx: n[2]!,
    p50: n[3]! / 1000,
    p95: n[4]! / 1000,
    p99: n[5]! / 1000,
    socketErrors: n[6]!,
    max: n[7]! / 1000,
  };
}

/** The Lua both targets share: per-thread disjoint keys, per-key counters, K items per request. */
function luaScript(opts: {
  path: string;
  headerFor: string;
  itemTemplate: string;
  wrap: [string, string];
}): string {
  return `
local keys = dofile(os.getenv("BENCH_KEYS_FILE"))
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
local mine, seqs, idx, K = {}, {}, 0, 1
function init(args)
  local nthreads = tonumber(args[1])
  K = tonumber(args[2])
  local base = tonumber(args[3])
  for i = 1, #keys do
    if (i - 1) % nthreads == tid then
      table.insert(mine, i)
      seqs[i] = base
    end
  end
end
function request()
  idx = idx % #mine + 1
  local i = mine[idx]
  local parts = {}
  for k = 1, K do
    seqs[i] = seqs[i] + 1
    local seq = seqs[i]
    parts[k] = ${opts.itemTemplate}
  end
  local headers = { ["Content-Type"] = "application/json" }
  ${opts.headerFor}
  return wrk.format("POST", "${opts.path}", headers, '${opts.wrap[0]}' .. table.concat(parts, ",") .. '${opts.wrap[1]}')
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), e.connect + e.read + e.write + e.timeout,
    latency.max))
end
`;
}

const collectedAt = () => new Date(Date.now() - 60_000).toISOString();

function reportTemplate(at: string): string {
  // A realistic healthy counter PC: two disks, the three default targets, a scanner and a printer.
  const body = {
    seq: 0,
    collectedAt: at,
    disks: [
      { mount: 'C:', fs: 'NTFS', sizeBytes: 255_550_435_328, usedBytes: 118_224_384_000, smart: 'ok' },
      { mount: 'D:', fs: 'NTFS', sizeBytes: 1_000_202_039_296, usedBytes: 402_653_184_000, smart: 'ok' },
    ],
    targets: [
      { id: 'dvc-quoc-gia', ok: true, latencyMs: 84 },
      { id: 'dvc-ha-noi', ok: true, latencyMs: 31 },
      { id: 'motcua-ha-noi', ok: true, latencyMs: 27 },
    ],
    peripherals: [
      { kind: 'scanner', name: 'Canon DR-C225', vendorId: '04a9', productId: '1905', connected: true },
      { kind: 'printer', name: 'Canon LBP2900', vendorId: '04a9', productId: '2676', connected: true },
    ],
    system: { cpuLoadPct: 12.5, memUsedPct: 48.1, uptimeSec: 36_000 },
    agent: { version: '0.1.0', spooled: 0 },
  };
  const json = JSON.stringify(body);
  const [pre, post] = json.split('"seq":0');
  return `'${pre}"seq":' .. seq .. '${post}'`;
}

function alertTemplate(at: string): string {
  return `'{"labels":{"alertname":"DiskFreeLow","job":"onestop","instance":"' .. keys[i] .. '","seq":"' .. seq .. '","severity":"minor"},"annotations":{"summary":"Disk C: below 10% free"},"startsAt":"${at}","generatorURL":"http://127.0.0.1/"}'`;
}

async function waitForOutput(child: ChildProcess, re: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const on = (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) resolve(m);
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) => reject(new Error(`${what} exited ${code}: ${out.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`${what} did not start: ${out.slice(-2000)}`)), 30_000);
  });
}

async function waitHttp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered`);
}

interface Shape {
  perRequest: number;
  result: WrkResult;
  cpuCores: number;
  rssMb: number;
}

function fmt(n: number, d = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
}

function printShape(label: string, s: Shape): void {
  const secs = s.result.durationUs / 1e6;
  const rps = s.result.requests / secs;
  console.log(
    `  ${label} ×${s.perRequest}/req: ${fmt(rps * s.perRequest)} items/s (${fmt(rps)} req/s), ` +
      `p50 ${fmt(s.result.p50, 2)} ms, p95 ${fmt(s.result.p95, 2)} ms, p99 ${fmt(s.result.p99, 2)} ms, ` +
      `non-2xx ${s.result.non2xx}, socket errors ${s.result.socketErrors}, ` +
      `CPU ${fmt(s.cpuCores, 2)} cores, RSS ${fmt(s.rssMb)} MB`,
  );
}

/**
 * node:cluster wrapper for the "several Node workers" design: each worker is a full server process
 * (its own group-commit writer) on the same port and database file; SQLite serialises their commits.
 */
const CLUSTER_MAIN = `
import cluster from 'node:cluster';
const n = Number(process.env.BENCH_WORKERS);
if (cluster.isPrimary) {
  let up = 0;
  for (let i = 0; i < n; i++) {
    const w = cluster.fork();
    w.on('message', (m) => { if (++up === n) console.log(m); });
  }
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM'); process.exit(0); });
} else {
  const log = console.log;
  console.log = (l) => { if (String(l).includes('listening on')) process.send(String(l)); else log(l); };
  await import(process.env.BENCH_SERVER);
}
`;

interface Target {
  label: string;
  url: string;
  script: string;
  keysFile: string;
  pids(): number[];
  stop(): Promise<void>;
}

function cpuAndRss(pids: number[]) {
  return pids
    .map(procStats)
    .reduce((a, b) => ({ cpuSec: a.cpuSec + b.cpuSec, rssMb: a.rssMb + b.rssMb, hwmMb: 0 }));
}

/** One measured run of `target` at `k` items per request (seqs start above `base`). */
async function measure(t: Target, k: number, base: number, seconds: number): Promise<Shape> {
  const before = cpuAndRss(t.pids());
  const result = await runWrk(
    t.url,
    t.script,
    [String(THREADS), String(k), String(base)],
    seconds,
    t.keysFile,
  );
  const after = cpuAndRss(t.pids());
  return {
    perRequest: k,
    result,
    cpuCores: (after.cpuSec - before.cpuSec) / (result.durationUs / 1e6),
    rssMb: after.rssMb,
  };
}

async function startOurs(
  dir: string,
  workers = 1,
): Promise<Target & { dbPath: string; metrics(): Promise<string> }> {
  const dbPath = join(dir, `bench-${workers}.db`);
  const password = 'bench-admin-password';
  const nodeArgs = ['--enable-source-maps'];
  if (PROFILE) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  const clusterMain = join(dir, 'cluster-main.mjs');
  writeFileSync(clusterMain, CLUSTER_MAIN);
  const entry = workers > 1 ? clusterMain : join(ROOT, 'dist/onestop-server.mjs');
  const server = spawn(process.execPath, [...nodeArgs, entry], {
    env: {
      ...process.env,
      BENCH_WORKERS: String(workers),
      BENCH_SERVER: join(ROOT, 'dist/onestop-server.mjs'),
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${dbPath}`,
      ADMIN_PASSWORD: password,
      ROOT_UNIT_CODE: 'HN',
      ROOT_UNIT_NAME: 'Thành phố Hà Nội',
      SCHEDULER: 'off',
      LOG_LEVEL: 'warn',
      PASSWORD_ITERATIONS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pids = () => {
    // A cluster primary and its workers: their CPU is summed.
    try {
      const kids = execFileSync('pgrep', ['-P', String(server.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
      return [server.pid!, ...kids];
    } catch {
      return [server.pid!];
    }
  };
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  };
  server.stdout!.on('data', keep);
  server.stderr!.on('data', keep);
  try {
    const url = (await waitForOutput(server, /listening on (http:\/\/\S+)/, 'server'))[1]!;
    const post = async (path: string, body: unknown, token?: string) => {
      const r = await fetch(url + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      const j = (await r.json()) as Record<string, unknown>;
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(j)}`);
      return j;
    };
    const admin = (await post('/api/v1/auth/login', { username: 'admin', password })).token as string;
    await post(
      '/api/v1/units',
      { code: '00004', name: 'Phường Ba Đình', level: 'commune', parentCode: 'HN' },
      admin,
    );
    const et = (await post('/api/v1/units/00004/enrollment-tokens', { maxUses: DEVICES }, admin))
      .token as string;
    const tokens: string[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const r = await post('/api/v1/agent/enroll', {
        enrollmentToken: et,
        hostname: `MOTCUA-BADINH-${String(i).padStart(3, '0')}`,
        hardwareId: `BENCH-${i}`,
        os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
        agentVersion: '0.1.0',
      });
      tokens.push(r.agentToken as string);
    }
    const keysFile = join(dir, `ours-${workers}-keys.lua`);
    writeFileSync(keysFile, `return {${tokens.map((t) => `"${t}"`).join(',')}}`);
    const script = join(dir, 'ours.lua');
    writeFileSync(
      script,
      luaScript({
        path: '/api/v1/agent/reports',
        headerFor: 'headers["Authorization"] = "Bearer " .. keys[i]',
        itemTemplate: reportTemplate(collectedAt()),
        wrap: ['{"reports":[', ']}'],
      }),
    );
    return {
      label: workers > 1 ? `ours×${workers}` : 'ours',
      url,
      script,
      keysFile,
      dbPath,
      pids,
      metrics: async () => (await fetch(`${url}/metrics`)).text(),
      stop: async () => {
        server.kill('SIGTERM');
        await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
      },
    };
  } catch (e) {
    console.log(`  server output (tail):\n${log}`);
    if (server.exitCode === null) server.kill('SIGKILL');
    throw e;
  }
}

async function startAlertmanager(dir: string): Promise<Target | null> {
  if (!existsSync(ALERTMANAGER)) return null;
  const port = await freePort();
  const cfg = join(dir, 'alertmanager.yml');
  writeFileSync(cfg, "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
  const am = spawn(
    ALERTMANAGER,
    [
      `--config.file=${cfg}`,
      `--storage.path=${join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/-/ready`);
  const keysFile = join(dir, 'am-keys.lua');
  writeFileSync(keysFile, `return {${Array.from({ length: DEVICES }, (_, i) => `"pc-${i}"`).join(',')}}`);
  const script = join(dir, 'am.lua');
  writeFileSync(
    script,
    luaScript({
      path: '/api/v2/alerts',
      headerFor: '',
      itemTemplate: alertTemplate(collectedAt()),
      wrap: ['[', ']'],
    }),
  );
  return {
    label: 'alertmanager',
    url,
    script,
    keysFile,
    pids: () => [am.pid!],
    stop: async () => {
      am.kill('SIGTERM');
      await new Promise((r) => (am.exitCode !== null ? r(null) : am.once('exit', r)));
    },
  };
}

const rate = (x: Shape) => (x.result.requests / (x.result.durationUs / 1e6)) * x.perRequest;

/** The run with the median rate (its latencies and CPU are printed with it). */
function median(runs: Shape[]): Shape {
  const sorted = [...runs].sort((a, b) => rate(a) - rate(b));
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<void> {
  if (!existsSync(WRK)) {
    console.log('  wrk is not installed (apt-get install wrk): ingest section skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'onestop-bench-ingest-'));
  const started: Target[] = [];
  try {
    if (!existsSync(join(ROOT, 'dist/onestop-server.mjs')) || process.env.BENCH_INGEST_REBUILD !== '0')
      execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const workers = Number(process.env.BENCH_INGEST_WORKERS ?? 1);
    console.log(
      `  load: wrk -t${THREADS} -c${CONNECTIONS}, ${REPS} × ${SECONDS} s per shape and target, interleaved ` +
        `(2 s warm-up each), ${DEVICES} devices, loopback; medians`,
    );
    const ours = await startOurs(dir);
    started.push(ours);
    const targets: Target[] = [ours];
    if (workers > 1) {
      const cl = await startOurs(dir, workers);
      started.push(cl);
      targets.push(cl);
    }
    const am = await startAlertmanager(dir);
    if (am) {
      started.push(am);
      targets.push(am);
    } else console.log('  prometheus-alertmanager not installed: no comparison');

    const results = new Map<string, Shape[]>();
    let base = 0;
    for (const k of [1, 100]) {
      for (const t of targets) {
        base += 100_000_000;
        await runWrk(t.url, t.script, [String(THREADS), String(k), String(base)], 2, t.keysFile);
      }
      for (let rep = 0; rep < REPS; rep++)
        for (const t of targets) {
          base += 100_000_000;
          const key = `${t.label}|${k}`;
          results.set(key, [...(results.get(key) ?? []), await measure(t, k, base, SECONDS)]);
        }
    }

    const m = await ours.metrics();
    const reports = Number(/onestop_reports_ingested_total (\d+)/.exec(m)?.[1] ?? 0);
    const groups = Number(/onestop_ingest_group_requests_count (\d+)/.exec(m)?.[1] ?? 0);
    const grouped = Number(/onestop_ingest_group_requests_sum (\d+)/.exec(m)?.[1] ?? 0);
    await ours.stop();
    const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
    const bytes = size(ours.dbPath) + size(`${ours.dbPath}-wal`);

    console.log('  onestop-care: each 200 = committed to the database file (WAL, synchronous=NORMAL);');
    console.log('  Alertmanager 0.25: in memory, nothing durable.');
    for (const k of [1, 100])
      for (const t of targets) {
        const runs = results.get(`${t.label}|${k}`)!;
        const spread = runs.map((r) => fmt(rate(r))).join(' / ');
        printShape(t.label, median(runs));
        console.log(`      runs: ${spread} items/s`);
      }
    console.log(
      `  database: ${fmt(((reports > 0 ? bytes / reports : 0) * 1000) / 1024, 1)} KiB per 1,000 reports ` +
        `(${fmt(reports)} reports); ${fmt(grouped / Math.max(groups, 1), 1)} requests per group write on average`,
    );
    if (am)
      for (const k of [1, 100]) {
        const a = median(results.get(`alertmanager|${k}`)!);
        const line = targets
          .filter((t) => t !== am)
          .map((t) => `${t.label} ${fmt(rate(median(results.get(`${t.label}|${k}`)!)) / rate(a), 2)}×`)
          .join(', ');
        console.log(`  ratio to Alertmanager at ${k} per request (medians): ${line}`);
      }
  } finally {
    for (const t of started) await t.stop().catch(() => {});
    if (PROFILE) console.log(`  CPU profile kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
