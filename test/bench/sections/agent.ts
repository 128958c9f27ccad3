/**
 * Agent footprint, side by side on this machine (`npm run bench:agent`):
 * - the real agent (esbuild bundle, service flags) reporting every second to the real server on loopback,
 *   with three TCP targets, disks, peripherals and system load: CPU per collection, RSS;
 * - zabbix_agent2 (Debian's, if installed) asked the six comparable keys every second over its
 *   passive protocol: CPU per collection, RSS;
 * - a bare Node 20 process (with and without the service flags): RSS;
 * - optionally (AGENT_BENCH_NAIVE=1) a naive agent calling systeminformation each second.
 * CPU is utime+stime+cutime+cstime from /proc (children included). Everything stays on loopback.
 * The daily inventory (a separate child process, ADR 0520) is off in the window so the figures are the
 * steady state; it is measured once on its own afterwards (CPU, wall time, sampled peak RSS).
 *
 * Parameters: AGENT_BENCH_SECONDS (measured window, default 60), AGENT_BENCH_WARMUP (default 5).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_FLAGS } from '../../../agent/service/units.js';
import { AgentBundle, removeTempDataDirs, tempDataDir, until } from '../../agent/helpers/agent-process.js';
import { createUnit, unique } from '../../helpers/factories.js';
import { startTestServer } from '../../helpers/server.js';

const SECONDS = Number(process.env.AGENT_BENCH_SECONDS ?? 60);
const WARMUP = Number(process.env.AGENT_BENCH_WARMUP ?? 5);
const NAIVE = process.env.AGENT_BENCH_NAIVE === '1';
/** V8 flags of the measured agent (default: the service's, agent/service/units.ts). */
const FLAGS = process.env.AGENT_BENCH_FLAGS?.split(' ').filter(Boolean) ?? NODE_FLAGS;
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds of a process and its reaped children. */
function cpuSec(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after "(comm)": state=0 … utime=11 stime=12 cutime=13 cstime=14.
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICK;
}

function rssMiB(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

async function listenTcp(): Promise<net.Server> {
  const s = net.createServer((c) => c.end());
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return s;
}
async function freePortBelow(max: number): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * (max - 20_000));
    const s = net.createServer();
    const ok = await new Promise<boolean>((r) => {
      s.once('error', () => r(false));
      s.listen(port, '127.0.0.1', () => r(true));
    });
    if (ok) {
      await new Promise((r) => s.close(r));
      return port;
    }
  }
}

const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

/** Zabbix passive protocol: one key per connection, "ZBXD\x01" + little-endian length + key. */
function zabbixGet(port: number, key: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      const body = Buffer.from(key);
      const head = Buffer.alloc(13);
      head.write('ZBXD', 0, 'latin1');
      head[4] = 1;
      head.writeUInt32LE(body.length, 5);
      s.write(Buffer.concat([head, body]));
    });
    const chunks: Buffer[] = [];
    s.on('data', (d) => chunks.push(d));
    s.on('end', () => resolve(Buffer.concat(chunks).subarray(13).toString('utf8')));
    s.on('error', (e) => resolve(`ERR ${e.message}`));
  });
}

async function bareNodeRss(flags: string[]): Promise<number> {
  const child = spawn(process.execPath, [...flags, '-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(3000);
  const { rss } = rssMiB(child.pid!);
  child.kill();
  return rss;
}

/**
 * One `onestop-agent inventory` on its own: CPU from this process's reaped-children counters (no other
 * child exits meanwhile), peak RSS sampled every 20 ms from /proc while it runs.
 */
async function inventoryCost(
  agentFile: string,
  dataDir: string,
): Promise<{ cpuSec: number; wallSec: number; peakMiB: number } | undefined> {
  const c0 = reapedChildrenCpuSec();
  const t0 = performance.now();
  const child = spawn(process.execPath, [agentFile, 'inventory', '--data-dir', dataDir], { stdio: 'ignore' });
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(child.pid!).hwm);
    } catch {
      // exited between samples
    }
  }, 20);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearInterval(timer);
  const wallSec = (performance.now() - t0) / 1000;
  const c1 = reapedChildrenCpuSec();
  return code === 0 ? { cpuSec: c1 - c0, wallSec, peakMiB: peak } : undefined;
}

/** CPU seconds of this process's reaped children (cutime+cstime). */
function reapedChildrenCpuSec(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / TICK;
}

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

export async function run(): Promise<void> {
  console.log(`window ${SECONDS} s after ${WARMUP} s warm-up, 1 collection/s; CPU includes child processes`);
  const bundle = await AgentBundle.build();
  const bundleKiB = statSync(bundle.file).size / 1024;
  const inventoryFile = join(bundle.file, '..', 'onestop-agent-inventory.mjs');
  const inventoryKiB = existsSync(inventoryFile) ? statSync(inventoryFile).size / 1024 : Number.NaN;
  const targets = [await listenTcp(), await listenTcp(), await listenTcp()];
  // The real server on loopback, over a fresh database; its own CPU is not counted.
  const server = await startTestServer();
  const put = await server.admin.put('/api/v1/units/HN/policy', {
    intervalSec: 1,
    targets: targets.map((t, i) => ({
      id: `he-thong-${i + 1}`,
      name: `Hệ thống ${i + 1}`,
      kind: 'tcp',
      host: '127.0.0.1',
      port: portOf(t),
      warnMs: 200,
      critMs: 1000,
      timeoutMs: 2000,
    })),
    peripherals: { expected: [{ kind: 'scanner', label: 'Máy quét', match: { nameIncludes: 'scan' } }] },
  });
  if (put.status !== 200) throw new Error(`policy: ${put.status} ${put.text}`);
  const unit = await createUnit(server.admin, { level: 'commune', parentCode: 'HN', code: unique('B') });
  const tok = await server.admin.post(`/api/v1/units/${unit.code}/enrollment-tokens`, { maxUses: 3 });
  const received = async (dir: string) => {
    const id = JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8')).deviceId;
    return (await server.admin.get(`/api/v1/devices/${id}`)).body.reportsReceived as number;
  };
  const children: ChildProcess[] = [];
  const work = mkdtempSync(join(tmpdir(), 'agent-bench-'));
  try {
    // --- the agents ------------------------------------------------------------------------------
    // The service as shipped; the same with every report sent on its own (no coalescing at this
    // 1 s interval); and plain `node` without the service's flags.
    const variants: { label: string; flags: string[]; env: Record<string, string> }[] = [
      { label: `onestop-agent (service flags)`, flags: FLAGS, env: {} },
      {
        label: 'onestop-agent (service flags, a request per report)',
        flags: FLAGS,
        env: { ONESTOP_AGENT_MIN_DELIVERY_MS: '0' },
      },
      { label: 'onestop-agent (node defaults)', flags: [] as string[], env: {} },
    ];
    const agents: { label: string; data: string; proc: ChildProcess }[] = [];
    for (const [i, v] of variants.entries()) {
      const data = tempDataDir();
      const env = {
        ONESTOP_AGENT_INTERVAL_MS: '1000',
        ONESTOP_AGENT_LOOPBACK_ONLY: '1',
        ONESTOP_AGENT_INVENTORY: 'off',
        ...v.env,
      };
      const en = await bundle.run(
        [
          'enroll',
          '--server',
          server.url,
          '--token',
          tok.body.token,
          '--data-dir',
          data,
          '--hardware-id',
          `bench-${i}`,
        ],
        env,
      );
      if (en.code !== 0) throw new Error(`enroll failed: ${en.stderr}`);
      const proc = spawn(process.execPath, [...v.flags, bundle.file, 'run', '--data-dir', data], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: 'ignore',
      });
      children.push(proc);
      agents.push({ label: v.label, data, proc });
    }

    // --- zabbix_agent2 ---------------------------------------------------------------------------
    const zbxBin = '/usr/sbin/zabbix_agent2';
    let zbx: ChildProcess | undefined;
    let zbxPort = 0;
    if (existsSync(zbxBin)) {
      zbxPort = await freePortBelow(32767); // Zabbix refuses ListenPort above 32767
      writeFileSync(
        join(work, 'zabbix_agent2.conf'),
        [
          'Server=127.0.0.1',
          'ListenIP=127.0.0.1',
          `ListenPort=${zbxPort}`,
          'Hostname=bench',
          'LogType=file',
          `LogFile=${join(work, 'zabbix.log')}`,
          `PidFile=${join(work, 'zabbix.pid')}`,
          `ControlSocket=${join(work, 'zabbix.sock')}`,
        ].join('\n'),
      );
      zbx = spawn(zbxBin, ['-c', join(work, 'zabbix_agent2.conf'), '-f'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let zbxErr = '';
      zbx.stderr!.on('data', (d: Buffer) => {
        zbxErr += d.toString();
      });
      children.push(zbx);
      await until(
        async () => (await zabbixGet(zbxPort, 'agent.ping')) === '1',
        'zabbix_agent2 up',
        10_000,
        100,
      ).catch((e) => {
        const log = join(work, 'zabbix.log');
        throw new Error(
          `${(e as Error).message}: ${existsSync(log) ? readFileSync(log, 'utf8').slice(-500) : zbxErr}`,
        );
      });
    }
    const zbxKeys = [
      'vfs.fs.size[/,pused]',
      ...targets.map((t) => `net.tcp.service.perf[tcp,127.0.0.1,${portOf(t)}]`),
      'system.hw.devices[usb]',
      'system.cpu.load[all,avg1]',
    ];
    let zbxCycles = 0;
    let zbxRunning = !!zbx;
    const zbxLoop = (async () => {
      while (zbxRunning) {
        const t0 = Date.now();
        await Promise.all(zbxKeys.map((k) => zabbixGet(zbxPort, k)));
        zbxCycles++;
        await sleep(Math.max(0, 1000 - (Date.now() - t0)));
      }
    })();

    // --- naive systeminformation agent (optional) ----------------------------------------------
    let naive: ChildProcess | undefined;
    const naiveCount = join(work, 'naive.count');
    if (NAIVE) {
      const si = new URL('../../../node_modules/systeminformation/lib/index.js', import.meta.url).pathname;
      const script = join(work, 'naive.cjs');
      writeFileSync(
        script,
        `const si = require(${JSON.stringify(si)}); const fs = require('fs'); let n = 0;
         (async () => { for (;;) { const t0 = Date.now();
           await Promise.all([si.fsSize(), si.usb(), si.printer(), si.inetLatency('127.0.0.1'), si.networkInterfaces()]);
           fs.writeFileSync(${JSON.stringify(naiveCount)}, String(++n));
           await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - t0)))); } })();`,
      );
      naive = spawn(process.execPath, [script], { stdio: 'ignore' });
      children.push(naive);
    }

    await sleep(WARMUP * 1000);
    const before = await Promise.all(
      agents.map(async (a) => ({ cpu: cpuSec(a.proc.pid!), n: await received(a.data) })),
    );
    const z0 = zbx ? { cpu: cpuSec(zbx.pid!), n: zbxCycles } : undefined;
    const n0 = naive ? { cpu: cpuSec(naive.pid!), n: Number(readFileSync(naiveCount, 'utf8')) } : undefined;
    const t0 = performance.now();
    const rssSamples: number[] = [];
    for (let s = 0; s < SECONDS; s += 5) {
      await sleep(Math.min(5, SECONDS - s) * 1000);
      rssSamples.push(rssMiB(agents[0]!.proc.pid!).rss);
    }
    const elapsed = (performance.now() - t0) / 1000;
    const after = await Promise.all(
      agents.map(async (a) => ({ cpu: cpuSec(a.proc.pid!), n: await received(a.data) })),
    );
    const z1 = zbx ? { cpu: cpuSec(zbx.pid!), n: zbxCycles } : undefined;
    const n1 = naive ? { cpu: cpuSec(naive.pid!), n: Number(readFileSync(naiveCount, 'utf8')) } : undefined;
    const mem = agents.map((a) => rssMiB(a.proc.pid!));
    const zbxMem = zbx ? rssMiB(zbx.pid!) : undefined;
    const naiveMem = naive ? rssMiB(naive.pid!) : undefined;
    zbxRunning = false;
    await zbxLoop;

    const inv = await inventoryCost(bundle.file, agents[0]!.data);
    const bare = await bareNodeRss([]);
    const bareFlags = await bareNodeRss(NODE_FLAGS);
    const perCol = (c0: number, c1: number, n: number) => ((c1 - c0) * 1000) / n;
    const cpuOf = (i: number) => perCol(before[i]!.cpu, after[i]!.cpu, after[i]!.n - before[i]!.n);
    const rows: string[][] = [
      ['process', 'CPU ms / collection', 'RSS MiB (end)', 'peak RSS MiB', 'collections'],
    ];
    for (const [i, a] of agents.entries())
      rows.push([
        a.label,
        fmt(cpuOf(i), 2),
        fmt(mem[i]!.rss),
        fmt(mem[i]!.hwm),
        String(after[i]!.n - before[i]!.n),
      ]);
    const zbxCpu = z0 && z1 ? perCol(z0.cpu, z1.cpu, z1.n - z0.n) : Number.NaN;
    if (z0 && z1 && zbxMem)
      rows.push([
        'zabbix_agent2 6.0 (6 keys)',
        fmt(zbxCpu, 2),
        fmt(zbxMem.rss),
        fmt(zbxMem.hwm),
        String(z1.n - z0.n),
      ]);
    if (n0 && n1 && naiveMem)
      rows.push([
        'naive systeminformation agent',
        fmt(perCol(n0.cpu, n1.cpu, n1.n - n0.n), 2),
        fmt(naiveMem.rss),
        fmt(naiveMem.hwm),
        String(n1.n - n0.n),
      ]);
    rows.push(['bare node 20', '', fmt(bare), '', '']);
    rows.push(['bare node 20 (service flags)', '', fmt(bareFlags), '', '']);
    const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i]!)).join('  '));
    console.log(`service flags: ${FLAGS.join(' ')}`);
    console.log(`agent bundle: ${fmt(bundleKiB)} KiB; window measured: ${fmt(elapsed)} s`);
    console.log(
      `service agent RSS over the window (5 s samples): min ${fmt(Math.min(...rssSamples))}, max ${fmt(Math.max(...rssSamples))} MiB; ` +
        `ratio to bare node: ${fmt(mem[0]!.rss / bare, 2)} (goal ≤ 1.2)`,
    );
    console.log(
      inv
        ? `daily inventory (own process, ${fmt(inventoryKiB)} KiB bundle): ${fmt(inv.cpuSec, 2)} s CPU, ${fmt(inv.wallSec, 2)} s wall, ` +
            `peak RSS ~${fmt(inv.peakMiB)} MiB (sampled); once a day that adds ${fmt((inv.cpuSec * 1000) / 1440, 2)} ms per collection at the default 1/min`
        : 'daily inventory: failed to run (see the agent log)',
    );
    if (z0 && z1)
      console.log(
        `CPU per collection / zabbix_agent2's: service ${fmt(cpuOf(0) / zbxCpu, 2)}, a request per report ${fmt(cpuOf(1) / zbxCpu, 2)} (goal ≤ 1)`,
      );
  } finally {
    for (const c of children) c.kill('SIGTERM');
    for (const t of targets) t.close();
    await server.stop();
    bundle.remove();
    removeTempDataDirs();
    rmSync(work, { recursive: true, force: true });
  }
}
