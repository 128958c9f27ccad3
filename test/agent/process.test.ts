/**
 * The real agent process (the esbuild bundle) against a loopback stub of the agent routes:
 * command line and exit codes, files and permissions, and how `run` copes with a server that
 * answers 500, 413, garbage or 401 — backoff, no tight loop, nothing lost, nothing doubled.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_VERSION } from '../../agent/version.js';
import { zReport } from '../../shared/schemas/agent.js';
import { AgentBundle, tempDataDir, until } from './helpers/agent-process.js';
import { StubServer } from './helpers/stub-server.js';

let bundle: AgentBundle;
beforeAll(async () => {
  bundle = await AgentBundle.build();
});
afterAll(() => bundle?.remove());

const FAST = { ONESTOP_AGENT_INTERVAL_MS: '100', ONESTOP_AGENT_BACKOFF_MS: '200,800' };

async function enrolled(stub: StubServer): Promise<string> {
  const dir = tempDataDir();
  const r = await bundle.run(['enroll', '--server', stub.url, '--token', 'oet_good', '--data-dir', dir]);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

describe('command line', () => {
  it('answers usage errors with exit 2 and a message saying what to do', async () => {
    // The full table runs in-process in cli.test.ts; here the real process, for its exit code.
    const cases: [string[], RegExp][] = [
      [[], /No command given/],
      [['once', '--frob'], /Unknown option '--frob'/],
      [
        ['run', '--data-dir', '/nonexistent/agent'],
        /not enrolled .* Run: onestop-agent enroll --server URL --token ENROLLMENT_TOKEN --data-dir \/nonexistent\/agent/,
      ],
    ];
    for (const [args, msg] of cases) {
      const r = await bundle.run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
    }
  });

  it('speaks Vietnamese unless told otherwise', async () => {
    const vi = await bundle.run(['--help'], { LANG: 'C.UTF-8' });
    expect(vi.code).toBe(0);
    expect(vi.stdout).toContain('Cách dùng: onestop-agent <lệnh>');
    expect(vi.stdout).toContain('/var/lib/onestop-agent');
    const en = await bundle.run(['--help', '--lang', 'en'], { LANG: 'vi_VN.UTF-8' });
    expect(en.stdout).toContain('Usage: onestop-agent <command>');
    expect((await bundle.run(['--version'])).stdout.trim()).toBe(AGENT_VERSION);
  });

  it('prints a valid report with --dry-run, even before enrollment', async () => {
    const r = await bundle.run(['once', '--dry-run', '--data-dir', tempDataDir()]);
    expect(r.code, r.stderr).toBe(0);
    const report = zReport.parse(JSON.parse(r.stdout));
    expect(report.disks.some((d) => d.mount === '/')).toBe(true);
    expect(report.system?.uptimeSec).toBeGreaterThan(0);
  });

  it('writes a hardened systemd unit that runs the bundle as an unprivileged user', async () => {
    const r = await bundle.run(['install-service', '--print', '--data-dir', '/var/lib/onestop-agent']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `ExecStart=${process.execPath} --max-old-space-size=48 --max-semi-space-size=1 ${bundle.file} run --data-dir /var/lib/onestop-agent`,
    );
    expect(r.stdout).toMatch(/^User=onestop-agent$/m);
    expect(r.stdout).toMatch(/^StateDirectory=onestop-agent$/m);
    expect(r.stdout).toMatch(/^RestartPreventExitStatus=2$/m);
    const unitDir = tempDataDir();
    const w = await bundle.run(['install-service', '--unit-dir', unitDir, '--user', 'motcua-agent']);
    expect(w.code, w.stderr).toBe(0);
    expect(readFileSync(join(unitDir, 'onestop-agent.service'), 'utf8')).toMatch(/^User=motcua-agent$/m);
  });
});

describe('enroll, once, status against the stub', () => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await new StubServer().start();
  });
  afterAll(() => stub.stop());

  it('refuses a bad enrollment token with exit 2 and an unreachable server with exit 1', async () => {
    const dir = tempDataDir();
    const bad = await bundle.run(['enroll', '--server', stub.url, '--token', 'oet_wrong', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/refused the enrollment token.*\n.*new enrollment token/);
    const down = await bundle.run([
      'enroll',
      '--server',
      'http://127.0.0.1:9',
      '--token',
      'oet_good',
      '--data-dir',
      dir,
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Cannot reach the server/);
  });

  it('stores identity and token owner-only, sends one report, and tells its status', async () => {
    const dir = await enrolled(stub);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['identity.json', 'token', 'config.json'])
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'token'), 'utf8').trim()).toBe('oda_stub');
    const identity = JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8'));
    expect(identity).toMatchObject({
      deviceId: 'dev-1',
      server: `${stub.url}/`,
      agentVersion: AGENT_VERSION,
    });

    const once = await bundle.run(['once', '--data-dir', dir]);
    expect(once.code, once.stderr).toBe(0);
    const printed = zReport.parse(JSON.parse(once.stdout));
    expect(stub.stored.get(printed.seq)?.body).toEqual(JSON.parse(once.stdout));
    expect(once.stderr).toContain('Sent 1 report(s)');

    const st = await bundle.run(['status', '--data-dir', dir]);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toContain('dev-1');
    expect(st.stdout).toMatch(/Spooled reports: +0/);
    expect(st.stdout).toMatch(/Last success: +20\d\d-/);
  });

  it('keeps the report when the server is down and says so (exit 1)', async () => {
    const dir = await enrolled(stub);
    stub.fault = '500';
    try {
      const r = await bundle.run(['once', '--data-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Not sent .*HTTP 500.* Spooled: 1/);
      const st = await bundle.run(['status', '--data-dir', dir]);
      expect(st.stdout).toMatch(/Spooled reports: +1/);
    } finally {
      stub.fault = 'none';
    }
  });
});

describe('run against a misbehaving server', () => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await new StubServer().start();
  });
  afterAll(() => stub.stop());

  it('backs off on 500, 413 and garbage without a tight loop, then delivers every reading once, in order', async () => {
    const dir = await enrolled(stub);
    stub.stored.clear();
    stub.fault = '500';
    const agent = bundle.start(['run', '--data-dir', dir], FAST);
    // 500s for 2 s: at 100 ms per report that is ~20 reports, but backoff (200 ms doubling to 800 ms) allows ≤ 6 tries.
    await new Promise((r) => setTimeout(r, 2000));
    const tries500 = stub.reportRequests.filter((x) => x.status === 500).length;
    expect(tries500).toBeGreaterThanOrEqual(2);
    expect(tries500).toBeLessThanOrEqual(6);
    stub.fault = 'garbage';
    await new Promise((r) => setTimeout(r, 1200));
    stub.fault = '413';
    await until(() => stub.stored.size > 20, 'reports delivered in small batches');
    stub.fault = 'none';
    const seen = stub.stored.size;
    await until(() => stub.stored.size > seen + 5, 'more reports after recovery');
    const end = await agent.stop('SIGTERM');
    expect(end.code, end.stderr).toBe(0);
    const ev = agent.events().map((e) => e.event);
    expect(ev).toContain('agent.started');
    expect(ev).toContain('deliver.failed');
    expect(ev).toContain('deliver.recovered');
    expect(ev.at(-1)).toBe('agent.stopped');
    // A failure is logged when it starts or changes, not on every try.
    expect(ev.filter((e) => e === 'deliver.failed').length).toBeLessThanOrEqual(4);

    // Everything collected reached the stub exactly once; seqs are contiguous and increasing.
    const seqs = stub.seqs();
    const st = await bundle.run(['status', '--data-dir', dir]);
    expect(st.stdout).toMatch(/Spooled reports: +0/);
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length);
    expect([...stub.stored.values()].every((v) => v.times === 1)).toBe(true);
    expect(stub.reportRequests.filter((x) => x.status === 413).length).toBeGreaterThan(0);
    for (const v of stub.stored.values()) zReport.parse(v.body);
  });

  it('stops with exit 2 when the token is refused, keeping the spool, and status says so', async () => {
    const dir = await enrolled(stub);
    stub.fault = '401';
    try {
      const r = await bundle.run(['run', '--data-dir', dir], FAST);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no longer accepts this PC’s token.*token revoked/);
      expect(r.stderr).toMatch(
        /Enroll again: onestop-agent enroll --server http:\/\/127\.0\.0\.1:\d+\/ --token/,
      );
      const st = await bundle.run(['status', '--data-dir', dir]);
      expect(st.code).toBe(2);
      expect(st.stdout).toMatch(/refused this PC’s token at/);
      // Re-enrolling (the same device) clears the state and keeps the spool.
      stub.fault = 'none';
      const again = await bundle.run([
        'enroll',
        '--server',
        stub.url,
        '--token',
        'oet_good',
        '--data-dir',
        dir,
      ]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/history is kept/);
      expect((await bundle.run(['status', '--data-dir', dir])).code).toBe(0);
    } finally {
      stub.fault = 'none';
    }
  });

  it('refuses a second process on the same data folder', async () => {
    const dir = await enrolled(stub);
    const agent = bundle.start(['run', '--data-dir', dir], FAST);
    await until(() => agent.events().some((e) => e.event === 'agent.started'), 'agent start');
    const second = await bundle.run(['once', '--data-dir', dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/Another onestop-agent process \(pid \d+\)/);
    const st = await bundle.run(['status', '--data-dir', dir]);
    expect(st.stdout).toMatch(/Service running: +yes \(pid \d+\)/);
    expect((await agent.stop()).code).toBe(0);
  });

  it('quarantines a damaged spool on start, reports it, and keeps going', async () => {
    const dir = await enrolled(stub);
    stub.fault = '500';
    const first = bundle.start(['run', '--data-dir', dir], FAST);
    await until(
      async () =>
        (await bundle.run(['status', '--data-dir', dir])).stdout.match(/Spooled reports: +([1-9]\d|[6-9])/),
      'a backlog',
    );
    await first.stop();
    const segs = (await import('node:fs')).readdirSync(join(dir, 'spool')).filter((f) => f.endsWith('.seg'));
    const seg = join(dir, 'spool', segs[0]!);
    const buf = readFileSync(seg);
    buf.fill(0x41, 700, 760); // scribble over the middle of the file
    writeFileSync(seg, buf);
    stub.fault = 'none';
    stub.stored.clear();
    const second = bundle.start(['run', '--data-dir', dir], FAST);
    const withNote = await until(
      () => [...stub.stored.values()].find((v) => v.body.errors?.some((e: any) => e.collector === 'spool')),
      'a report carrying the quarantine note',
    );
    expect(withNote!.body.agent.quarantined).toBe(1);
    expect(withNote!.body.errors.find((e: any) => e.collector === 'spool').message).toMatch(
      /quarantined: \d+ bytes at offset/,
    );
    const n = stub.stored.size;
    await until(() => stub.stored.size > n + 3, 'new reports after the quarantine');
    expect((await second.stop()).code).toBe(0);
    expect(second.events().some((e) => e.event === 'spool.quarantined')).toBe(true);
  });
});
