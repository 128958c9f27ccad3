/**
 * A small HTTP(S) client on node:http — not fetch: loading undici costs ~12 MB of RSS, a fifth of
 * the agent's whole budget. Bounded response size, an overall deadline, one keep-alive socket;
 * optionally through an HTTP proxy (agent/net/proxy.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { type ProxyRoute, TunnelAgent } from './proxy.js';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string | URL;
  headers?: Record<string, string>;
  body?: string;
  /** Whole-request deadline. */
  timeoutMs: number;
  /** Larger answers are cut off and reported as an error (a captive portal or a misrouted proxy). */
  maxResponseBytes?: number;
  /** Send through this proxy (CONNECT tunnel for https, absolute-form for http). */
  proxy?: ProxyRoute;
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly code: 'timeout' | 'network' | 'too-large',
  ) {
    super(message);
  }
}

// One socket kept alive between the batches of a backlog; closed soon after so idle agents hold nothing.
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 1, timeout: 15_000 };
const agents = {
  http: new http.Agent(AGENT_OPTIONS),
  https: new https.Agent(AGENT_OPTIONS),
};

/** One agent per proxy (an agent talks to one server through one proxy). */
const proxyAgents = new Map<string, http.Agent>();

function proxyAgent(route: ProxyRoute, secure: boolean): http.Agent {
  const key = `${secure ? 's' : 'p'}|${route.url.href}|${route.authorization ?? ''}`;
  let a = proxyAgents.get(key);
  if (!a) {
    a = secure ? new TunnelAgent(route, AGENT_OPTIONS) : new http.Agent(AGENT_OPTIONS);
    proxyAgents.set(key, a);
  }
  return a;
}

/** Where the request goes and how: direct, tunnelled (https via proxy) or absolute-form (http via proxy). */
function target(u: URL, secure: boolean, headers: Record<string, string>, proxy: ProxyRoute | undefined) {
  if (!proxy)
    return { mod: secure ? https : http, url: u, opts: { agent: secure ? agents.https : agents.http } };
  if (secure) return { mod: https, url: u, opts: { agent: proxyAgent(proxy, true) } };
  // Plain http: ask the proxy for the absolute URL; it sees everything, as the network does anyway.
  if (proxy.authorization) headers['proxy-authorization'] = proxy.authorization;
  headers.host = u.host;
  return {
    mod: http,
    url: proxy.url,
    opts: { agent: proxyAgent(proxy, false), path: u.href },
  };
}

export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const u = typeof req.url === 'string' ? new URL(req.url) : req.url;
  const secure = u.protocol === 'https:';
  const max = req.maxResponseBytes ?? 1024 * 1024;
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (req.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(req.body));
  }
  const via = target(u, secure, headers, req.proxy);
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: Error | null, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(res!);
    };
    const r = via.mod.request(via.url, { method: req.method, headers, ...via.opts }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > max) {
          res.destroy();
          done(new HttpError(`response larger than ${max} bytes`, 'too-large'));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () =>
        done(null, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', (e) => done(new HttpError(e.message, 'network')));
    });
    const timer = setTimeout(() => {
      r.destroy();
      done(new HttpError(`no answer within ${req.timeoutMs} ms`, 'timeout'));
    }, req.timeoutMs);
    r.on('error', (e: NodeJS.ErrnoException) =>
      done(new HttpError(e.code ? `${e.code}: ${e.message}` : e.message, 'network')),
    );
    r.end(req.body);
  });
}
