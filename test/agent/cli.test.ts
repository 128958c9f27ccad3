/** Command line in-process (usage errors, language), and the agent's small pure modules. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../agent/cli.js';
import { checkAgentConfig } from '../../agent/config-check.js';
import { defaultDataDir, WINDOWS_SIDS, windowsAclArgs } from '../../agent/data-dir.js';
import { pickHardwareId } from '../../agent/host-id.js';
import { detectLang } from '../../agent/i18n.js';
import { buildReport } from '../../agent/report.js';
import { systemdUnit, winswXml } from '../../agent/service/units.js';
import { settingsFromEnv } from '../../agent/settings.js';
import { AGENT_VERSION } from '../../agent/version.js';
import { zAgentConfig, zReport } from '../../shared/schemas/agent.js';

async function cli(args: string[], env: Record<string, string> = { LANG: 'en_US.UTF-8' }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('usage errors (exit 2, with what to fix)', () => {
  const cases: [string[], RegExp][] = [
    [[], /No command given/],
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['once', '--frob'], /Unknown option '--frob'/],
    [['status', 'extra'], /unexpected argument "extra"/],
    [['enroll', '--token', 'x'], /Missing option --server\. Example: onestop-agent enroll --server https/],
    [['enroll', '--server', 'https://x.vn'], /Missing option --token/],
    [['enroll', '--server', 'not a url', '--token', 'x'], /is not valid: use the form https:/],
    [['enroll', '--server', 'ftp://x.vn', '--token', 'x'], /is not valid/],
    [['status', '--lang', 'fr'], /--lang takes "vi" or "en"/],
    [['status', '--dry-run'], /--dry-run does not apply to "status"/],
    [['run', '--server', 'https://x.vn'], /--server does not apply to "run"/],
    [['once', '--data-dir', '/nonexistent/agent'], /not enrolled/],
  ];
  for (const [args, msg] of cases)
    it(`onestop-agent ${args.join(' ')}`, async () => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
    });

  it('rejects a malformed tuning knob', async () => {
    const r = await cli(['status'], { ONESTOP_AGENT_INTERVAL_MS: 'fast', LANG: 'en' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ONESTOP_AGENT_INTERVAL_MS must be a positive integer/);
  });

  it('says it in Vietnamese by default, with diacritics', async () => {
    const r = await cli(['frobnicate'], {});
    expect(r.err).toBe('Lệnh không hợp lệ: "frobnicate". Chạy "onestop-agent --help" để xem các lệnh.');
  });
});

describe('small pieces', () => {
  it('picks the language from --lang or the locale, Vietnamese first', () => {
    expect(detectLang({})).toBe('vi');
    expect(detectLang({ LANG: 'C.UTF-8' })).toBe('vi');
    expect(detectLang({ LANG: 'en_GB.UTF-8' })).toBe('en');
    expect(detectLang({ LC_ALL: 'vi_VN.UTF-8', LANG: 'en_US' })).toBe('vi');
    expect(detectLang({ ONESTOP_LANG: 'en', LANG: 'vi_VN' })).toBe('en');
  });

  it('defaults the data folder to the platform service folder', () => {
    expect(defaultDataDir('linux', {})).toBe('/var/lib/onestop-agent');
    expect(defaultDataDir('win32', { ProgramData: 'C:\\ProgramData' })).toBe(
      'C:\\ProgramData\\onestop-agent',
    );
    expect(defaultDataDir('linux', { ONESTOP_AGENT_DATA_DIR: '/srv/a' })).toBe('/srv/a');
  });

  it('restricts the Windows data folder to SYSTEM, Administrators and the service account', () => {
    expect(windowsAclArgs('C:\\ProgramData\\onestop-agent')).toEqual([
      'C:\\ProgramData\\onestop-agent',
      '/inheritance:r',
      '/grant:r',
      `*${WINDOWS_SIDS.system}:(OI)(CI)F`,
      `*${WINDOWS_SIDS.administrators}:(OI)(CI)F`,
      '*S-1-5-19:(OI)(CI)M',
      '/Q',
    ]);
  });

  it('prefers the firmware UUID (survives re-imaging) and ignores placeholder UUIDs', () => {
    expect(pickHardwareId({ smbiosUuid: '4C4C4544-0042-3510-8051-B4C04F563032\n', machineId: 'abc' })).toBe(
      'smbios:4c4c4544-0042-3510-8051-b4c04f563032',
    );
    expect(
      pickHardwareId({
        smbiosUuid: '03000200-0400-0500-0006-000700080009',
        machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4\n',
      }),
    ).toBe('machine:3d1219c7c4c5404aaa1f6d2a48adfda4');
    expect(pickHardwareId({ machineId: '{0F3C1C55-7A4D-4C1B-9E64-2B8F3C5A1D2E}' })).toBe(
      'machine:0f3c1c55-7a4d-4c1b-9e64-2b8f3c5a1d2e',
    );
    expect(pickHardwareId({ machineId: '00000000000000000000000000000000' })).toBeUndefined();
  });

  it('reads the tuning knobs', () => {
    expect(
      settingsFromEnv({ ONESTOP_AGENT_INTERVAL_MS: '250', ONESTOP_AGENT_BACKOFF_MS: '100, 2000' }),
    ).toEqual({
      intervalMs: 250,
      configEveryMs: undefined,
      spoolMaxBytes: undefined,
      slowEveryMs: undefined,
      maxBatch: undefined,
      memLogEvery: undefined,
      minDeliveryMs: undefined,
      backoff: { baseMs: 100, maxMs: 2000 },
    });
    expect(settingsFromEnv({ ONESTOP_AGENT_BACKOFF_MS: '5000,100' })).toEqual({
      invalid: 'ONESTOP_AGENT_BACKOFF_MS',
    });
  });

  it('keeps AGENT_VERSION equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(AGENT_VERSION).toBe(pkg.version);
  });

  it('writes service definitions for systemd and WinSW', () => {
    const unit = systemdUnit({
      nodePath: '/usr/bin/node',
      scriptPath: '/opt/onestop agent/a.mjs',
      dataDir: '/var/lib/onestop-agent',
      user: 'onestop-agent',
    });
    expect(unit).toContain(
      'ExecStart=/usr/bin/node --jitless --no-expose-wasm --no-memory-reducer --expose-gc --max-semi-space-size=1 --max-old-space-size=64 "/opt/onestop agent/a.mjs" run --data-dir /var/lib/onestop-agent',
    );
    expect(unit).toMatch(/^ProtectHome=read-only$/m);
    const custom = systemdUnit({
      nodePath: '/usr/bin/node',
      scriptPath: '/a.mjs',
      dataDir: '/srv/agent',
      user: 'x',
    });
    expect(custom).toMatch(/^ReadWritePaths=\/srv\/agent$/m);
    const xml = winswXml({
      nodePath: 'C:\\Program Files\\nodejs\\node.exe',
      scriptPath: 'C:\\Program Files\\onestop-agent\\onestop-agent.mjs',
      dataDir: 'C:\\ProgramData\\onestop-agent',
    });
    expect(xml).toContain('<domain>NT AUTHORITY</domain>');
    expect(xml).toContain('<user>LocalService</user>');
    expect(xml).toContain(
      '&quot;C:\\Program Files\\onestop-agent\\onestop-agent.mjs&quot; run --data-dir &quot;C:\\ProgramData\\onestop-agent&quot;',
    );
  });
});

describe('config check agrees with the contract schema', () => {
  const good = {
    etag: 'W/"7"',
    intervalSec: 60,
    disk: { warnFreePct: 10, critFreePct: 5 },
    targets: [
      {
        id: 'motcua',
        name: 'Hệ thống một cửa',
        kind: 'http',
        url: 'https://motcua.hanoi.gov.vn/',
        warnMs: 500,
        critMs: 2000,
        timeoutMs: 5000,
      },
      {
        id: 'csdl-dancu',
        name: 'CSDL dân cư',
        kind: 'tcp',
        host: '10.0.0.5',
        port: 443,
        warnMs: 100,
        critMs: 500,
        timeoutMs: 3000,
      },
    ],
    peripherals: {
      expected: [{ kind: 'scanner', label: 'Máy quét', match: { nameIncludes: 'scan', vendorId: '04a9' } }],
    },
    futureField: { ignored: true },
  };
  const bad: [string, (c: any) => void][] = [
    ['interval 0', (c) => (c.intervalSec = 0)],
    ['interval fractional', (c) => (c.intervalSec = 1.5)],
    ['crit above warn', (c) => (c.disk = { warnFreePct: 5, critFreePct: 10 })],
    ['tcp without port', (c) => delete c.targets[1].port],
    ['http without url', (c) => delete c.targets[0].url],
    ['ftp url', (c) => (c.targets[0].url = 'ftp://x.vn/')],
    ['upper-case id', (c) => (c.targets[0].id = 'MotCua')],
    ['warnMs > critMs', (c) => (c.targets[0].warnMs = 5000)],
    ['timeout too small', (c) => (c.targets[0].timeoutMs = 10)],
    ['unknown kind', (c) => (c.peripherals.expected[0].kind = 'toaster')],
    ['bad vendor id', (c) => (c.peripherals.expected[0].match.vendorId = 'xyz1')],
    ['empty match', (c) => (c.peripherals.expected[0].match = {})],
    ['no etag', (c) => delete c.etag],
  ];
  it('accepts what the schema accepts, ignoring unknown keys', () => {
    expect(zAgentConfig.safeParse(good).success).toBe(true);
    const r = checkAgentConfig(good);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toEqual(zAgentConfig.parse(good));
  });
  for (const [name, mutate] of bad)
    it(`refuses ${name}, as the schema does`, () => {
      const c = structuredClone(good);
      mutate(c);
      expect(zAgentConfig.safeParse(c).success).toBe(false);
      expect(checkAgentConfig(c).ok).toBe(false);
    });
});

describe('report builder', () => {
  it('clamps whatever the collectors produced into a report the server accepts', () => {
    const r = buildReport({
      seq: 42,
      collectedAt: new Date('2026-03-02T02:00:00Z'),
      outcomes: [
        {
          name: 'disks',
          ms: 1,
          readings: {
            disks: [
              { mount: 'C:', sizeBytes: 100, usedBytes: 120, fs: 'NTFS', smart: 'failing' },
              { mount: '', sizeBytes: -5, usedBytes: 1.5 },
            ],
          },
        },
        {
          name: 'targets',
          ms: 1,
          readings: {
            targets: [
              { id: 'x', ok: true, latencyMs: Number.NaN },
              { id: 'y', ok: false, latencyMs: null, error: 'e'.repeat(900) },
            ],
          },
        },
        {
          name: 'peripherals',
          ms: 1,
          readings: {
            peripherals: Array.from({ length: 300 }, (_, i) => ({
              kind: 'other' as const,
              name: `d${i}`.repeat(80),
              connected: true,
            })),
          },
        },
        { name: 'system', ms: 1, readings: { system: { cpuLoadPct: 130, memUsedPct: -1, uptimeSec: 12.6 } } },
        {
          name: 'slow',
          ms: 5000,
          error: { collector: 'slow', message: 'no result within 5000 ms', timedOut: true },
        },
      ],
      agent: { version: AGENT_VERSION, spooled: 3, dropped: 1, quarantined: 2 },
      extraErrors: [{ collector: 'spool', message: 'damaged spool data quarantined' }],
    });
    expect(zReport.safeParse(r).error?.issues ?? []).toEqual([]);
    expect(r.disks[0]).toEqual({ mount: 'C:', sizeBytes: 100, usedBytes: 100, fs: 'NTFS', smart: 'failing' });
    expect(r.targets[0]).toEqual({ id: 'x', ok: true });
    expect(r.peripherals).toHaveLength(256);
    expect(r.system).toEqual({ cpuLoadPct: 100, memUsedPct: 0, uptimeSec: 13 });
    expect(r.errors?.map((e) => e.collector)).toEqual(['slow', 'spool']);
    expect(r.agent).toEqual({ version: AGENT_VERSION, spooled: 3, dropped: 1, quarantined: 2 });
  });
});

describe('data folder lock', () => {
  it('refuses a live holder, takes over a dead one or one from an earlier boot', async () => {
    const { mkdtempSync, writeFileSync, readFileSync: read } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { acquireLock, LockedError, lockHolder } = await import('../../agent/lock.js');
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    const path = join(dir, 'agent.lock');
    const release = acquireLock(path);
    expect(read(path, 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
    release();
    // A live process (our parent) holding the lock in this boot.
    const bootAt = Math.round(Date.now() - (await import('node:os')).uptime() * 1000);
    writeFileSync(path, `${process.ppid} ${bootAt}\n`);
    expect(lockHolder(path)).toBe(process.ppid);
    expect(() => acquireLock(path)).toThrow(LockedError);
    // Same pid, but written before the last reboot: stale.
    writeFileSync(path, `${process.ppid} ${bootAt - 3_600_000}\n`);
    expect(lockHolder(path)).toBeUndefined();
    acquireLock(path)();
    // A pid that does not exist.
    writeFileSync(path, '2147483646\n');
    acquireLock(path)();
    (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
  });
});
