/** `onestop-agent once [--dry-run]`: one report, printed as JSON, then sent with any backlog. */
import type { Report } from '../../shared/schemas/agent.js';
import { runCollectors } from '../collectors/collector.js';
import { defaultCollectors } from '../collectors/index.js';
import { t } from '../i18n.js';
import { buildReport } from '../report.js';
import { AgentRunner, stderrLog } from '../runner.js';
import { Spool } from '../spool/spool.js';
import { AGENT_VERSION } from '../version.js';
import type { CommandContext } from './context.js';
import { EMPTY_CONFIG, loadIdentity, lockDataDir, openSpool, transportFor, userAgent } from './load.js';

export async function onceCommand(ctx: CommandContext): Promise<number> {
  if (ctx.values['dry-run']) return dryRun(ctx);
  const { identity, token } = loadIdentity(ctx);
  const transport = transportFor(ctx, identity, token);
  const release = lockDataDir(ctx);
  const spool = await openSpool(ctx).catch((e) => {
    release();
    throw e;
  });
  try {
    const runner = new AgentRunner(
      {
        spool,
        transport,
        config: ctx.data.readConfig() ?? EMPTY_CONFIG,
        collectors: defaultCollectors({ userAgent: userAgent(), loopbackOnly: ctx.settings.loopbackOnly }),
        version: AGENT_VERSION,
        log: stderrLog,
        backoff: ctx.settings.backoff,
        saveConfig: (c) => ctx.data.writeConfig(c),
        saveStatus: (st) => ctx.data.writeStatus(st),
        inventory: { stamp: () => ctx.data.inventoryStamp(), read: () => ctx.data.readInventory() },
      },
      ctx.data.readStatus(),
    );
    if (!(await runner.refreshConfig()))
      return unauthorized(ctx, spool, identity.server, ctx.data.readStatus().lastError);
    const report = await runner.collect();
    ctx.io.out(JSON.stringify(report, null, 2));
    const r = await runner.deliver();
    const pending = spool.counters().pending;
    if (r.kind === 'unauthorized') return unauthorized(ctx, spool, identity.server, r.error.message);
    if (r.kind === 'failed' || r.kind === 'waiting') {
      ctx.io.err(
        t(ctx.lang, 'onceNotSent', { detail: r.kind === 'failed' ? r.error.message : 'backoff', pending }),
      );
      return 1;
    }
    ctx.io.err(t(ctx.lang, 'onceSent', { delivered: r.delivered, pending }));
    return 0;
  } finally {
    await spool.close();
    release();
  }
}

function unauthorized(ctx: CommandContext, spool: Spool, server: string, detail = ''): number {
  ctx.io.err(
    t(ctx.lang, 'tokenRejected', {
      detail,
      pending: spool.counters().pending,
      dataDir: ctx.data.dir,
      server,
    }),
  );
  return 2;
}

/** Collects and prints without touching the spool or the network (works before enrollment too). */
async function dryRun(ctx: CommandContext): Promise<number> {
  const config = (ctx.data.isEnrolled() && ctx.data.readConfig()) || EMPTY_CONFIG;
  const outcomes = await runCollectors(
    defaultCollectors({ userAgent: userAgent(), loopbackOnly: ctx.settings.loopbackOnly }),
    config,
  );
  const peek = ctx.data.isEnrolled()
    ? await Spool.inspect(ctx.data.spoolDir).catch(() => undefined)
    : undefined;
  const report: Report = buildReport({
    seq: peek?.nextSeq ?? 1,
    collectedAt: new Date(),
    outcomes,
    agent: { version: AGENT_VERSION, spooled: peek?.pending ?? 0, dropped: 0, quarantined: 0 },
  });
  ctx.io.out(JSON.stringify(report, null, 2));
  return 0;
}
