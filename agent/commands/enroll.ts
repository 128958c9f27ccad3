/** `onestop-agent enroll --server URL --token T`: registers this PC and stores identity and token. */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { readHardwareId } from '../host-id.js';
import { t } from '../i18n.js';
import { parseProxyUrl } from '../net/proxy.js';
import { enroll, TransportError } from '../net/transport.js';
import { Spool } from '../spool/spool.js';
import { AGENT_VERSION } from '../version.js';
import { type CommandContext, ExitError } from './context.js';
import { lockDataDir, proxyRoute, userAgent } from './load.js';

export async function enrollCommand(ctx: CommandContext): Promise<number> {
  const { lang, values: v, data } = ctx;
  const example = `onestop-agent enroll --server https://onestop.hanoi.gov.vn --token oet_…${ctx.dataDirHint}`;
  if (!v.server) throw new ExitError(2, t(lang, 'missingOption', { name: 'server', example }));
  if (!v.token) throw new ExitError(2, t(lang, 'missingOption', { name: 'token', example }));
  let server: URL;
  try {
    server = new URL(v.server);
    if (server.protocol !== 'http:' && server.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ExitError(2, t(lang, 'badServerUrl', { url: v.server }));
  }
  if (v.proxy !== undefined && v.proxy !== 'direct') {
    try {
      parseProxyUrl(v.proxy);
    } catch (e) {
      throw new ExitError(2, t(lang, 'badProxy', { detail: `--proxy: ${(e as Error).message}` }));
    }
  }
  try {
    data.ensure();
  } catch (e) {
    throw new ExitError(2, t(lang, 'dataDirUnusable', { dir: data.dir, detail: (e as Error).message }));
  }
  // Enrolling again without --proxy keeps the proxy stored the first time (a damaged file is replaced
  // when --proxy is given, and is a configuration error otherwise).
  const proxy = proxyRoute(ctx, server.href, v.proxy ?? storedProxy(ctx) ?? '');
  const release = lockDataDir(ctx);
  try {
    const hardwareId = v['hardware-id'] ?? (await readHardwareId()) ?? localFallbackId(data.dir);
    const hostname = os.hostname();
    let res: Awaited<ReturnType<typeof enroll>>;
    try {
      res = await enroll(
        server.href,
        {
          enrollmentToken: v.token,
          hostname,
          hardwareId,
          os: { platform: process.platform, release: os.release(), arch: process.arch },
          agentVersion: AGENT_VERSION,
        },
        { userAgent: userAgent(), proxy },
      );
    } catch (e) {
      const err = e as TransportError;
      const detail = proxy
        ? `${err.message} (${t(lang, 'viaProxy', { proxy: `${proxy.url.host}, ${proxy.source}` })})`
        : err.message;
      if (err instanceof TransportError && err.kind === 'unauthorized')
        throw new ExitError(2, t(lang, 'enrollRejected', { detail }));
      if (err instanceof TransportError && (err.kind === 'rejected' || err.kind === 'unexpected'))
        throw new ExitError(2, t(lang, 'enrollInvalid', { detail }));
      throw new ExitError(1, t(lang, 'serverUnreachable', { server: server.href, detail }));
    }
    const previous = data.isEnrolled() ? safeIdentity(ctx) : undefined;
    if (previous && previous.deviceId !== res.deviceId && existsSync(data.spoolDir)) {
      // Readings of another device must not be sent under this one's name: keep them aside.
      const { pending } = await Spool.inspect(data.spoolDir);
      const archive = join(data.dir, `spool.${previous.deviceId}.${Date.now()}`);
      renameSync(data.spoolDir, archive);
      ctx.io.out(t(lang, 'reEnrolledOtherDevice', { pending, archive }));
    } else if (previous) {
      const { pending } = await Spool.inspect(data.spoolDir);
      ctx.io.out(t(lang, 'reEnrolledSameDevice', { pending }));
    }
    await data.writeEnrollment(
      {
        version: 1,
        server: server.href,
        deviceId: res.deviceId,
        hostname,
        hardwareId,
        enrolledAt: new Date().toISOString(),
        agentVersion: AGENT_VERSION,
      },
      res.agentToken,
      res.config,
    );
    if (v.proxy !== undefined) await data.writeSettings({ ...readSettingsOrEmpty(ctx), proxy: v.proxy });
    const st = data.readStatus();
    await data.writeStatus({
      ...st,
      authRejectedAt: undefined,
      authRejectedDetail: undefined,
      lastError: undefined,
    });
    ctx.io.out(
      t(lang, 'enrolled', {
        hostname,
        server: server.href,
        deviceId: res.deviceId,
        intervalSec: res.config.intervalSec,
      }),
    );
    return 0;
  } finally {
    release();
  }
}

function storedProxy(ctx: CommandContext): string | undefined {
  try {
    return ctx.data.readSettings().proxy;
  } catch (e) {
    throw new ExitError(2, t(ctx.lang, 'badProxy', { detail: (e as Error).message }));
  }
}

function readSettingsOrEmpty(ctx: CommandContext) {
  try {
    return ctx.data.readSettings();
  } catch {
    return {};
  }
}

function safeIdentity(ctx: CommandContext) {
  try {
    return ctx.data.readIdentity();
  } catch {
    return undefined;
  }
}

/** Neither firmware nor OS gave an id: make one and keep it in the data folder. */
function localFallbackId(dir: string): string {
  const f = join(dir, 'hardware-id');
  if (existsSync(f)) return readFileSync(f, 'utf8').trim();
  const id = `local:${randomUUID()}`;
  writeFileSync(f, id, { mode: 0o600 });
  return id;
}
