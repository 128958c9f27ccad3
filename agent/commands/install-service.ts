/**
 * `onestop-agent install-service [--print] [--user NAME] [--unit-dir DIR]`: writes the systemd
 * unit (Linux, creating the service user when missing) or the WinSW configuration (Windows).
 * `--print` only prints it. Must be run from the built agent (dist/onestop-agent.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { t } from '../i18n.js';
import { systemdUnit, winswXml } from '../service/units.js';
import { type CommandContext, ExitError } from './context.js';

export async function installServiceCommand(ctx: CommandContext): Promise<number> {
  const { lang, io, values: v } = ctx;
  const script = realpathSync(process.argv[1] ?? '');
  if (!/\.(mjs|js)$/.test(script))
    throw new ExitError(
      2,
      'install-service must be run from the built agent: node dist/onestop-agent.mjs install-service',
    );
  const spec = { nodePath: process.execPath, scriptPath: script, dataDir: ctx.data.dir };
  if (process.platform === 'win32') {
    const text = winswXml(spec);
    if (v.print) {
      io.out(text);
      return 0;
    }
    const file = join(v['unit-dir'] ?? dirname(script), 'onestop-agent-service.xml');
    writeFileSync(file, text);
    io.out(t(lang, 'serviceWindows', { file }));
    return 0;
  }
  if (process.platform !== 'linux')
    throw new ExitError(2, t(lang, 'serviceUnsupported', { platform: process.platform }));
  const user = v.user ?? 'onestop-agent';
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user))
    throw new ExitError(2, t(lang, 'badOption', { detail: `--user "${user}"` }));
  const text = systemdUnit({ ...spec, user });
  if (v.print) {
    io.out(text);
    return 0;
  }
  const dir = v['unit-dir'] ?? '/etc/systemd/system';
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'onestop-agent.service');
  writeFileSync(file, text, { mode: 0o644 });
  // A system user with no home and no shell; systemd hands it the data folder (StateDirectory).
  if (!v['unit-dir'] && spawnSync('id', ['-u', user]).status !== 0) {
    const r = spawnSync(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', user],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new ExitError(1, `useradd ${user}: ${(r.stderr || '').trim()}`);
  }
  if (!existsSync(ctx.data.dir))
    io.err(`Note: ${ctx.data.dir} does not exist yet: run "onestop-agent enroll" first.`);
  io.out(t(lang, 'serviceWritten', { file }));
  return 0;
}
