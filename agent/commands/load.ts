/** Loading an enrolled agent's state for `run` and `once`; every failure says what to fix. */
import type { AgentConfig } from '../../shared/schemas/agent.js';
import type { Identity } from '../data-dir.js';
import { t } from '../i18n.js';
import { acquireLock, LockedError } from '../lock.js';
import { type ProxyRoute, proxyFor } from '../net/proxy.js';
import { AgentTransport } from '../net/transport.js';
import { Spool } from '../spool/spool.js';
import { AGENT_VERSION } from '../version.js';
import { type CommandContext, ExitError } from './context.js';

export const userAgent = () =>
  `onestop-agent/${AGENT_VERSION} (${process.platform}; node ${process.versions.node})`;

export function loadIdentity(ctx: CommandContext): { identity: Identity; token: string } {
  const d = ctx.data;
  if (!d.isEnrolled())
    throw new ExitError(
      2,
      t(ctx.lang, 'notEnrolled', { file: d.identityFile, dataDirHint: ctx.dataDirHint }),
    );
  try {
    return { identity: d.readIdentity(), token: d.readToken() };
  } catch (e) {
    throw new ExitError(
      2,
      t(ctx.lang, 'identityDamaged', { file: d.identityFile, detail: (e as Error).message }),
    );
  }
}

export function lockDataDir(ctx: CommandContext): () => void {
  try {
    return acquireLock(ctx.data.lockFile);
  } catch (e) {
    if (e instanceof LockedError)
      throw new ExitError(1, t(ctx.lang, 'locked', { pid: e.pid, dataDir: ctx.data.dir }));
    throw new ExitError(
      2,
      t(ctx.lang, 'dataDirUnusable', { dir: ctx.data.dir, detail: (e as Error).message }),
    );
  }
}

export async function openSpool(ctx: CommandContext): Promise<Spool> {
  try {
    return await Spool.open(ctx.data.spoolDir, { maxBytes: ctx.settings.spoolMaxBytes });
  } catch (e) {
    throw new ExitError(
      1,
      t(ctx.lang, 'dataDirUnusable', { dir: ctx.data.spoolDir, detail: (e as Error).message }),
    );
  }
}

/**
 * The proxy to reach `server` with: `setting` (enroll --proxy) or the one stored in the data folder,
 * else HTTPS_PROXY/HTTP_PROXY/NO_PROXY. A proxy that is configured but unusable is exit 2.
 */
export function proxyRoute(ctx: CommandContext, server: string, setting?: string): ProxyRoute | undefined {
  try {
    return proxyFor(new URL(server), { setting: setting ?? ctx.data.readSettings().proxy, env: ctx.env });
  } catch (e) {
    throw new ExitError(2, t(ctx.lang, 'badProxy', { detail: (e as Error).message }));
  }
}

export function transportFor(ctx: CommandContext, identity: Identity, token: string): AgentTransport {
  return new AgentTransport(identity.server, token, {
    userAgent: userAgent(),
    proxy: proxyRoute(ctx, identity.server),
  });
}

/** A config that collects what needs no server policy (used before the first config arrives). */
export const EMPTY_CONFIG: AgentConfig = {
  etag: '',
  intervalSec: 60,
  disk: { warnFreePct: 10, critFreePct: 5 },
  targets: [],
  peripherals: { expected: [] },
};
