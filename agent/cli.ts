/**
 * onestop-agent command line (PROTOCOL.md "Command line"): enroll | run | once | status, plus
 * install-service and inventory. Parses arguments, picks the language, dispatches, maps outcomes to exit codes:
 * 0 ok, 1 runtime failure, 2 usage or configuration error (always with a message saying what to fix).
 */
import { parseArgs } from 'node:util';
import { type CommandContext, ExitError, type Io } from './commands/context.js';
import { enrollCommand } from './commands/enroll.js';
import { installServiceCommand } from './commands/install-service.js';
import { inventoryCommand } from './commands/inventory.js';
import { onceCommand } from './commands/once.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { DataDir, defaultDataDir } from './data-dir.js';
import { detectLang, type Lang, t } from './i18n.js';
import { settingsFromEnv } from './settings.js';
import { AGENT_VERSION } from './version.js';

const OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  'data-dir': { type: 'string' },
  'hardware-id': { type: 'string' },
  lang: { type: 'string' },
  'dry-run': { type: 'boolean' },
  print: { type: 'boolean' },
  user: { type: 'string' },
  'unit-dir': { type: 'string' },
  proxy: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Which options each command takes (beyond --data-dir, --lang, --help). */
const ALLOWED: Record<string, string[]> = {
  enroll: ['server', 'token', 'hardware-id', 'proxy'],
  run: [],
  once: ['dry-run'],
  inventory: ['json'],
  status: [],
  'install-service': ['print', 'user', 'unit-dir'],
};
const COMMON = ['data-dir', 'lang', 'help'];

export async function main(argv: string[], env: Record<string, string | undefined>, io: Io): Promise<number> {
  let lang: Lang = detectLang(env);
  const dataDirDefault = defaultDataDir(process.platform, env);
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.err(t(lang, 'badOption', { detail: (e as Error).message }));
    return 2;
  }
  const v = parsed.values;
  if (v.lang !== undefined) {
    if (v.lang !== 'vi' && v.lang !== 'en') {
      io.err(t(lang, 'badLang'));
      return 2;
    }
    lang = v.lang;
  }
  if (v.version) {
    io.out(AGENT_VERSION);
    return 0;
  }
  const [command, ...extra] = parsed.positionals;
  if (v.help || command === 'help') {
    io.out(t(lang, 'usage', { dataDir: dataDirDefault }));
    return 0;
  }
  if (!command) {
    io.err(t(lang, 'noCommand'));
    return 2;
  }
  const allowed = ALLOWED[command];
  if (!allowed) {
    io.err(t(lang, 'unknownCommand', { command }));
    return 2;
  }
  if (extra.length > 0) {
    io.err(t(lang, 'badOption', { detail: `unexpected argument "${extra[0]}"` }));
    return 2;
  }
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k) && !COMMON.includes(k)) {
      io.err(t(lang, 'badOption', { detail: `--${k} does not apply to "${command}"` }));
      return 2;
    }
  }
  const settings = settingsFromEnv(env);
  if ('invalid' in settings) {
    io.err(t(lang, 'badOption', { detail: `${settings.invalid} must be a positive integer (ms)` }));
    return 2;
  }
  const dataDirGiven = v['data-dir'];
  const ctx: CommandContext = {
    lang,
    io,
    env,
    settings,
    data: new DataDir(dataDirGiven ?? dataDirDefault),
    dataDirHint: dataDirGiven ? ` --data-dir ${dataDirGiven}` : '',
    values: v,
  };
  try {
    switch (command) {
      case 'enroll':
        return await enrollCommand(ctx);
      case 'run':
        return await runCommand(ctx);
      case 'once':
        return await onceCommand(ctx);
      case 'status':
        return await statusCommand(ctx);
      case 'inventory':
        return await inventoryCommand(ctx);
      default:
        return await installServiceCommand(ctx);
    }
  } catch (e) {
    if (e instanceof ExitError) {
      io.err(e.message);
      return e.code;
    }
    io.err(t(lang, 'runtimeError', { detail: (e as Error).message }));
    return 1;
  }
}

// Run when executed (the bundle's entry, or `tsx agent/cli.ts`), not when imported by tests.
const entry = process.argv[1] ?? '';
if (/onestop-agent(\.mjs)?$|agent[\\/]cli\.(ts|js|mjs)$/.test(entry)) {
  const io: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };
  main(process.argv.slice(2), process.env, io).then(
    (code) => {
      process.exitCode = code;
      // `run` leaves no handles when it returns; anything else still open must not keep us alive.
      setTimeout(() => process.exit(code), 200).unref();
    },
    (e) => {
      process.stderr.write(`onestop-agent: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
