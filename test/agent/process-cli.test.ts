/**
 * The real agent process (the esbuild bundle): command line and exit codes, files and permissions,
 * enroll/once/status against a loopback stub of the agent routes (the real server: e2e/).
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_VERSION } from '../../agent/version.js';
import { zReport } from '../../shared/schemas/agent.js';
import { AgentBundle, removeTempDataDirs, tempDataDir } from './helpers/agent-process.js';
import { StubServer } from './helpers/stub-server.js';

let bundle: AgentBundle;
beforeAll(async () => {
  bundle = await AgentBundle.build();
});
afterAll(() => {
  bundle?.remove();
  removeTempDataDirs();
});

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
      `ExecStart=${process.execPath} --jitless --no-expose-wasm --no-memory-reducer --expose-gc --max-semi-space-size=1 --max-old-space-size=64 ${bundle.file} run --data-dir /var/lib/onestop-agent`,
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

  it('refuses to take over a folder that holds other files', async () => {
    const dir = tempDataDir();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'thesis.docx'), 'x');
    const r = await bundle.run(['enroll', '--server', stub.url, '--token', 'oet_good', '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cannot use the data folder .* it already holds other files \(thesis\.docx\)/);
    expect(statSync(dir).mode & 0o777).toBe(0o755);
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
