/** `onestop-agent run`: the service. Stops cleanly on SIGTERM/SIGINT; exit 2 when the token is refused. */
import { defaultCollectors } from '../collectors/index.js';
import { t } from '../i18n.js';
import { InventorySchedule } from '../inventory/schedule.js';
import { AgentRunner, stderrLog } from '../runner.js';
import { AGENT_VERSION } from '../version.js';
import type { CommandContext } from './context.js';
import { EMPTY_CONFIG, loadIdentity, lockDataDir, openSpool, transportFor, userAgent } from './load.js';

export async function runCommand(ctx: CommandContext): Promise<number> {
  const { identity, token } = loadIdentity(ctx);
  const transport = transportFor(ctx, identity, token);
  const release = lockDataDir(ctx);
  const spool = await openSpool(ctx).catch((e) => {
    release();
    throw e;
  });
  const ac = new AbortController();
  const stop = (signal: string) => {
    stderrLog.info('agent.stopping', `${signal} received, stopping`);
    ac.abort();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  const s = ctx.settings;
  const runner = new AgentRunner(
    {
      spool,
      transport,
      config: ctx.data.readConfig() ?? EMPTY_CONFIG,
      collectors: defaultCollectors({
        userAgent: userAgent(),
        slowEveryMs: s.slowEveryMs,
        loopbackOnly: s.loopbackOnly,
      }),
      version: AGENT_VERSION,
      log: stderrLog,
      intervalMs: s.intervalMs,
      configEveryMs: s.configEveryMs,
      backoff: s.backoff,
      maxBatch: s.maxBatch,
      memLogEvery: s.memLogEvery,
      minDeliveryMs: s.minDeliveryMs,
      saveConfig: (c) => ctx.data.writeConfig(c),
      saveStatus: (st) => ctx.data.writeStatus(st),
      inventory: { stamp: () => ctx.data.inventoryStamp(), read: () => ctx.data.readInventory() },
    },
    ctx.data.readStatus(),
  );
  const inventory = s.inventoryOff
    ? undefined
    : new InventorySchedule({
        data: ctx.data,
        log: stderrLog,
        everyMs: s.inventoryEveryMs,
        timeoutMs: s.inventoryTimeoutMs,
        lang: ctx.lang,
      });
  const c = spool.counters();
  stderrLog.info('agent.started', 'onestop-agent started', {
    version: AGENT_VERSION,
    deviceId: identity.deviceId,
    server: identity.server,
    dataDir: ctx.data.dir,
    spooled: c.pending,
    nextSeq: c.nextSeq,
    pid: process.pid,
    proxy: transport.proxy ? `${transport.proxy.display} (${transport.proxy.source})` : 'none',
  });
  try {
    inventory?.start();
    const end = await runner.run(ac.signal);
    if (end.kind === 'unauthorized') {
      ctx.io.err(
        t(ctx.lang, 'tokenRejected', {
          detail: end.detail,
          pending: spool.counters().pending,
          dataDir: ctx.data.dir,
          server: identity.server,
        }),
      );
      return 2;
    }
    stderrLog.info('agent.stopped', 'onestop-agent stopped', { spooled: spool.counters().pending });
    return 0;
  } finally {
    inventory?.stop();
    await spool.close();
    release();
  }
}
