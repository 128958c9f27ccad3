/**
 * Reaching the server through an HTTP proxy (government networks often allow nothing else), on
 * the agent's own node:http/node:https transport — no proxy library (ADR 0521).
 *
 * - Which proxy: `--proxy URL` given at enrollment (settings.json) wins; `--proxy direct` means none
 *   whatever the environment says; otherwise HTTPS_PROXY / HTTP_PROXY by the server's scheme, unless
 *   NO_PROXY names the server's host.
 * - https servers: an HTTP CONNECT tunnel, TLS inside it end to end. The proxy sees the server's
 *   host and port and its own `Proxy-Authorization`, never the agent token or the reports.
 * - http servers: absolute-form requests to the proxy (the token then travels in clear text, as it
 *   does without a proxy on plain http).
 * - Credentials come from the proxy URL (`http://user:pass@proxy:3128`, percent-encoded) as Basic
 *   auth; they are never printed (`redactProxy`).
 */
import type http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/** What `enroll --proxy` stores in settings.json. */
export interface AgentFileSettings {
  /** A proxy URL, or "direct" (no proxy, whatever the environment says). */
  proxy?: string;
}

export interface ProxyRoute {
  /** The proxy, without credentials. */
  url: URL;
  /** `Basic …` from the URL's user info, when it has one. */
  authorization?: string;
  /** Where it came from, for messages: "settings", "HTTPS_PROXY", … */
  source: string;
  /** The proxy as configured, password hidden (`redactProxy`). */
  display: string;
}

/** Where the agent finds its proxy: the stored setting, then the environment. */
export interface ProxySources {
  setting?: string;
  env: Record<string, string | undefined>;
}

/**
 * Parses a proxy URL as curl and Go do: a missing scheme means http://, the port defaults to the
 * scheme's. Only http:// proxies (TLS to the proxy itself is rare on these networks and would
 * need the proxy's certificate on every PC).
 */
export function parseProxyUrl(raw: string): URL {
  const s = raw.trim();
  const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`);
  if (u.protocol !== 'http:') throw new Error(`unsupported proxy scheme "${u.protocol}" (use http://)`);
  if (!u.hostname) throw new Error('the proxy URL has no host');
  if ((u.pathname && u.pathname !== '/') || u.search || u.hash)
    throw new Error('a proxy URL is scheme://[user:password@]host[:port] only');
  return u;
}

/** `http://user:***@host:port` — safe for logs and `status`. */
export function redactProxy(raw: string): string {
  try {
    const u = parseProxyUrl(raw);
    const user = u.username ? `${decodeURIComponent(u.username)}${u.password ? ':***' : ''}@` : '';
    return `http://${user}${u.host}`;
  } catch {
    return '(invalid)';
  }
}

export function checkFileSettings(
  v: unknown,
): { ok: true; value: AgentFileSettings } | { ok: false; error: string } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, error: 'not an object' };
  const p = (v as { proxy?: unknown }).proxy;
  if (p === undefined) return { ok: true, value: {} };
  if (typeof p !== 'string') return { ok: false, error: 'proxy must be a string' };
  if (p === 'direct') return { ok: true, value: { proxy: p } };
  try {
    parseProxyUrl(p);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  return { ok: true, value: { proxy: p } };
}

function envOf(env: Record<string, string | undefined>, name: string): string | undefined {
  // Go's order: upper case first, then lower case; an empty value counts as unset.
  return env[name] || env[name.toLowerCase()] || undefined;
}

function routeOf(raw: string, source: string): ProxyRoute {
  let u: URL;
  try {
    u = parseProxyUrl(raw);
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
  const route: ProxyRoute = { url: new URL(`http://${u.host}`), source, display: redactProxy(raw) };
  if (u.username || u.password) {
    const cred = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
    route.authorization = `Basic ${Buffer.from(cred, 'utf8').toString('base64')}`;
  }
  return route;
}

/**
 * NO_PROXY as curl and Go read it: comma- or space-separated entries; `*` matches everything; a
 * host name matches itself and its subdomains (a leading "." or "*." is ignored); an entry may
 * carry a port; IP addresses match exactly, IPv4 ranges in CIDR form (`10.0.0.0/8`) too.
 */
export function noProxyMatches(noProxy: string, target: URL): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (let entry of noProxy.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(entry);
    if (cidr) {
      if (net.isIPv4(host) && inCidr(host, cidr[1]!, Number(cidr[2]))) return true;
      continue;
    }
    let entryHost = entry;
    let entryPort: string | undefined;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracket) {
      entryHost = bracket[1]!;
      entryPort = bracket[2];
    } else if (/^[^:]+:\d+$/.test(entry)) {
      [entryHost, entryPort] = entry.split(':') as [string, string];
    }
    if (entryPort && entryPort !== port) continue;
    entryHost = entryHost.replace(/^\*?\./, '');
    if (host === entryHost || (!net.isIP(host) && host.endsWith(`.${entryHost}`))) return true;
  }
  return false;
}

function inCidr(ip: string, base: string, bits: number): boolean {
  if (bits < 0 || bits > 32) return false;
  const n = (a: string) => a.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
  const size = 2 ** (32 - bits);
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

/**
 * The proxy for a request to `target`, or undefined for a direct connection. Throws (with the
 * source's name) when the configured proxy is not a usable URL: a wrong proxy is a configuration
 * error to fix, not something to route around silently.
 */
export function proxyFor(target: URL, src: ProxySources): ProxyRoute | undefined {
  if (src.setting === 'direct') return undefined;
  if (src.setting) return routeOf(src.setting, 'settings.json (enroll --proxy)');
  const name = target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const raw = envOf(src.env, name);
  if (!raw) return undefined;
  const noProxy = envOf(src.env, 'NO_PROXY');
  if (noProxy && noProxyMatches(noProxy, target)) return undefined;
  return routeOf(raw, name);
}

export class ProxyError extends Error {}

/** Opens a CONNECT tunnel to host:port through the proxy; resolves with the raw socket. */
function connectTunnel(
  route: ProxyRoute,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const proxyHost = route.url.hostname.replace(/^\[|\]$/g, '');
    const sock = net.connect({ host: proxyHost, port: Number(route.url.port) || 80 });
    const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
    let head = Buffer.alloc(0);
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      sock.setTimeout(0);
      sock.removeListener('data', onData);
      sock.removeListener('error', onError);
      sock.removeListener('close', onClose);
      if (err) {
        sock.destroy();
        reject(err);
      } else resolve(sock);
    };
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16 * 1024)
          finish(new ProxyError('the proxy answered CONNECT with oversized headers'));
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3})([^\r\n]*)/.exec(head.subarray(0, end).toString('latin1'));
      if (!status)
        return finish(new ProxyError('the proxy answered CONNECT with something that is not HTTP'));
      if (status[1] !== '200') {
        const hint = status[1] === '407' ? ' (check the proxy user and password)' : '';
        return finish(
          new ProxyError(
            `the proxy ${route.url.host} refused the tunnel to ${authority}: HTTP ${status[1]}${status[2]}${hint}`,
          ),
        );
      }
      // Pause before handing over: bytes after the head belong to TLS, which is not listening yet.
      sock.pause();
      const rest = head.subarray(end + 4);
      if (rest.length > 0) sock.unshift(rest);
      finish(null);
    };
    const onError = (e: NodeJS.ErrnoException) =>
      finish(new ProxyError(`proxy ${route.url.host}: ${e.code ? `${e.code}: ` : ''}${e.message}`));
    const onClose = () =>
      finish(new ProxyError(`the proxy ${route.url.host} closed the connection during CONNECT`));
    sock.setTimeout(timeoutMs, () =>
      finish(new ProxyError(`the proxy ${route.url.host} did not answer within ${timeoutMs} ms`)),
    );
    sock.on('data', onData);
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.once('connect', () => {
      // Only what the proxy needs: where to connect, and its own credentials. No agent token.
      const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
      if (route.authorization) lines.push(`Proxy-Authorization: ${route.authorization}`);
      sock.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  });
}

/** An https.Agent whose connections are TLS inside a CONNECT tunnel (keep-alive works as usual). */
export class TunnelAgent extends https.Agent {
  constructor(
    private readonly route: ProxyRoute,
    opts: https.AgentOptions,
    private readonly connectTimeoutMs = 30_000,
  ) {
    super(opts);
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const o = options as tls.ConnectionOptions & { host?: string; port?: number | string };
    const host = (o.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(o.port) || 443;
    connectTunnel(this.route, host, port, this.connectTimeoutMs).then(
      (socket) => {
        const servername = o.servername || (net.isIP(host) ? undefined : host);
        // As https.Agent does: hand the TLS socket over at once; handshake errors reach the request.
        callback?.(null, tls.connect({ ...o, socket, servername, host }));
      },
      (e: Error) => callback?.(e, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
