/** `onestop-agent status`: identity, server, last success, spool depth. Read-only; safe while `run` runs. */
import { t } from '../i18n.js';
import { lockHolder } from '../lock.js';
import { proxyFor } from '../net/proxy.js';
import { Spool } from '../spool/spool.js';
import { AGENT_VERSION } from '../version.js';
import type { CommandContext, ExitError } from './context.js';
import { loadIdentity } from './load.js';

const mib = (n: number) =>
  n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;

export async function statusCommand(ctx: CommandContext): Promise<number> {
  const { lang, io, data } = ctx;
  io.out(t(lang, 'statusTitle', { version: AGENT_VERSION }));
  let loaded: ReturnType<typeof loadIdentity>;
  try {
    loaded = loadIdentity(ctx);
  } catch (e) {
    io.out(t(lang, 'statusNotEnrolled'));
    throw e as ExitError;
  }
  const { identity } = loaded;
  const st = data.readStatus();
  const spool = await Spool.inspect(data.spoolDir).catch(() => undefined);
  const cfg = data.readConfig();
  const pid = lockHolder(data.lockFile);
  let proxy: string;
  try {
    const setting = data.readSettings().proxy;
    const route = proxyFor(new URL(identity.server), { setting, env: ctx.env });
    proxy = route
      ? `${route.display} (${route.source})`
      : setting === 'direct'
        ? 'direct (enroll --proxy direct)'
        : t(lang, 'none');
  } catch (e) {
    proxy = `(${(e as Error).message})`;
  }
  const inv = data.readInventory();
  const inventoryAt = inv
    ? `${inv.collectedAt} (${t(lang, st.inventorySent === data.inventoryStamp() ? 'inventorySentMark' : 'inventoryPendingMark')})`
    : t(lang, 'never');
  io.out(
    t(lang, 'statusLines', {
      dataDir: data.dir,
      server: identity.server,
      deviceId: identity.deviceId,
      hostname: identity.hostname,
      hardwareId: identity.hardwareId,
      enrolledAt: identity.enrolledAt,
      interval: cfg ? t(lang, 'seconds', { n: cfg.intervalSec }) : '?',
      lastSuccess: st.lastSuccessAt ?? t(lang, 'never'),
      lastError: st.lastError ?? t(lang, 'none'),
      pending: spool?.pending ?? 0,
      bytes: mib(spool?.bytes ?? 0),
      dropped: spool?.dropped ?? 0,
      quarantined: spool?.quarantined ?? 0,
      running: pid ? t(lang, 'yesPid', { pid }) : t(lang, 'no'),
      proxy,
      inventoryAt,
    }),
  );
  if (data.tokenTooOpen()) io.err(`WARNING: ${data.tokenFile} is readable by other users: chmod 600 it.`);
  if (st.authRejectedAt) {
    io.out(t(lang, 'statusRevoked', { at: st.authRejectedAt }));
    return 2;
  }
  return 0;
}
