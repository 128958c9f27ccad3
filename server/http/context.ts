/** The Hono environment shared by every sub-app: injected deps and the resolved caller. */
import type { Context } from 'hono';
import type { AppDeps } from '../deps.js';
import type { UserPrincipal } from '../services/principal.js';
import { fail } from './problem.js';

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    principal: UserPrincipal | undefined;
    requestId: string;
  };
}

export type Ctx = Context<AppEnv>;

/** The signed-in user, or a 401 problem. */
export function requireUser(c: Ctx): UserPrincipal {
  const p = c.get('principal');
  if (!p) throw fail.unauthenticated();
  return p;
}

/** Client address: the socket's, or the first x-forwarded-for hop when the proxy is trusted. */
export function clientIp(c: Ctx): string | undefined {
  const deps = c.get('deps');
  if (deps.config.trustProxy) {
    const xff = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (xff) return xff;
  }
  const cf = c.req.header('cf-connecting-ip');
  if (cf && deps.config.runtime === 'workers') return cf;
  // @hono/node-server puts the Node request in env.incoming.
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
