/**
 * The agent's side of the HTTP contract: enroll, config pull with ETag, report batches. Every
 * answer is classified into one outcome the delivery loop can act on; nothing here retries.
 */
import type { AgentConfig, EnrollBody, ReportsResponse } from '../../shared/schemas/agent.js';
import { checkAgentConfig } from '../config-check.js';
import { parseRetryAfter } from './backoff.js';
import { HttpError, type HttpResponse, httpRequest } from './http-client.js';
import type { ProxyRoute } from './proxy.js';

export type FailureKind =
  | 'network' // connection refused, reset, DNS, TLS
  | 'timeout'
  | 'server' // 5xx
  | 'rate-limited' // 429
  | 'too-large' // 413
  | 'rejected' // 400/422: the server will never accept this body as it is
  | 'unauthorized' // 401/403: token revoked or unknown
  | 'garbage' // an answer that is not the contract's (captive portal, proxy error page)
  | 'unexpected'; // any other status

export class TransportError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface TransportOptions {
  timeoutMs?: number;
  userAgent: string;
  /** Reach the server through this proxy (agent/net/proxy.ts `proxyFor`). */
  proxy?: ProxyRoute;
}

function classify(res: HttpResponse, what: string): TransportError {
  const s = res.status;
  const detail = problemDetail(res.body);
  const msg = `${what}: HTTP ${s}${detail ? ` — ${detail}` : ''}`;
  // Only the server's own refusal (a JSON problem) means "this token is dead"; a proxy's or a captive
  // portal's 401/403 page (HTML) is a network problem to retry, never a reason to stop the agent.
  if ((s === 401 || s === 403) && isProblem(res)) return new TransportError('unauthorized', msg, s);
  if (s === 407)
    return new TransportError(
      'unexpected',
      `${what}: HTTP 407 from the proxy: check the proxy user and password`,
      s,
    );
  if (s === 413) return new TransportError('too-large', msg, s);
  if (s === 400 || s === 422) return new TransportError('rejected', msg, s);
  if (s === 429)
    return new TransportError(
      'rate-limited',
      msg,
      s,
      parseRetryAfter(header(res, 'retry-after'), Date.now()),
    );
  if (s >= 500)
    return new TransportError('server', msg, s, parseRetryAfter(header(res, 'retry-after'), Date.now()));
  return new TransportError('unexpected', msg, s);
}

function isProblem(res: HttpResponse): boolean {
  return /^application\/(problem\+)?json\b/i.test(header(res, 'content-type') ?? '');
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function problemDetail(body: string): string | undefined {
  try {
    const p = JSON.parse(body) as { detail?: unknown; title?: unknown };
    const d = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : undefined;
    return d?.slice(0, 300);
  } catch {
    return undefined;
  }
}

function parseJson(res: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    throw new TransportError('garbage', `${what}: HTTP ${res.status} but the body is not JSON`, res.status);
  }
}

async function send(req: Parameters<typeof httpRequest>[0]): Promise<HttpResponse> {
  try {
    return await httpRequest(req);
  } catch (e) {
    if (e instanceof HttpError)
      throw new TransportError(
        e.code === 'timeout' ? 'timeout' : e.code === 'too-large' ? 'garbage' : 'network',
        e.message,
      );
    throw new TransportError('network', (e as Error).message);
  }
}

export interface EnrollResult {
  deviceId: string;
  agentToken: string;
  config: AgentConfig;
}

/** POST /agent/enroll (no agent token yet). */
export async function enroll(
  server: string,
  body: EnrollBody,
  opts: TransportOptions,
): Promise<EnrollResult> {
  const res = await send({
    method: 'POST',
    url: new URL('api/v1/agent/enroll', withSlash(server)).href,
    headers: { 'user-agent': opts.userAgent },
    body: JSON.stringify(body),
    timeoutMs: opts.timeoutMs ?? 30_000,
    proxy: opts.proxy,
  });
  if (res.status !== 201 && res.status !== 200) throw classify(res, 'enroll');
  const v = parseJson(res, 'enroll') as Partial<EnrollResult>;
  if (typeof v.deviceId !== 'string' || typeof v.agentToken !== 'string' || !v.deviceId || !v.agentToken)
    throw new TransportError('garbage', 'enroll: the answer has no deviceId/agentToken', res.status);
  const cfg = checkAgentConfig(v.config);
  if (!cfg.ok)
    throw new TransportError(
      'garbage',
      `enroll: the config in the answer is invalid (${cfg.error})`,
      res.status,
    );
  return { deviceId: v.deviceId, agentToken: v.agentToken, config: cfg.value };
}

export type ConfigPull = { changed: true; config: AgentConfig } | { changed: false };

export class AgentTransport {
  private readonly configUrl: URL;
  private readonly reportsUrl: URL;
  constructor(
    server: string,
    private readonly token: string,
    private readonly opts: TransportOptions,
  ) {
    const base = withSlash(server);
    this.configUrl = new URL('api/v1/agent/config', base);
    this.reportsUrl = new URL('api/v1/agent/reports', base);
  }

  /** The proxy this transport goes through, if any. */
  get proxy(): ProxyRoute | undefined {
    return this.opts.proxy;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'user-agent': this.opts.userAgent };
  }

  /** GET /agent/config with If-None-Match; a 304 means "keep what you have". */
  async pullConfig(etag: string | undefined): Promise<ConfigPull> {
    const headers = this.headers();
    if (etag) headers['if-none-match'] = etag.startsWith('"') || etag.startsWith('W/') ? etag : `"${etag}"`;
    const res = await send({
      method: 'GET',
      url: this.configUrl,
      headers,
      timeoutMs: this.opts.timeoutMs ?? 30_000,
      proxy: this.opts.proxy,
    });
    if (res.status === 304) return { changed: false };
    if (res.status !== 200) throw classify(res, 'config');
    const cfg = checkAgentConfig(parseJson(res, 'config'));
    if (!cfg.ok) throw new TransportError('garbage', `config: invalid (${cfg.error})`, res.status);
    return { changed: true, config: cfg.value };
  }

  /**
   * POST /agent/reports with a body already serialised (spooled JSON joined, never re-parsed).
   * Resolves only on a 200 whose answer has the contract's shape: a proxy's "200 OK" page is not
   * an acknowledgement.
   */
  async postReports(body: string): Promise<ReportsResponse> {
    const res = await send({
      method: 'POST',
      url: this.reportsUrl,
      headers: this.headers(),
      body,
      timeoutMs: this.opts.timeoutMs ?? 60_000,
      proxy: this.opts.proxy,
    });
    if (res.status !== 200) throw classify(res, 'reports');
    const v = parseJson(res, 'reports') as Partial<ReportsResponse>;
    const n = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
    if (!n(v.accepted) || !n(v.duplicates) || !n(v.lastSeq))
      throw new TransportError('garbage', 'reports: HTTP 200 without {accepted, duplicates, lastSeq}', 200);
    // accepted + duplicates should equal the batch size; a server that counts differently still
    // said "stored" with its 200, and refusing that acknowledgement would stall the queue forever.
    return v as ReportsResponse;
  }
}

function withSlash(server: string): string {
  return server.endsWith('/') ? server : `${server}/`;
}

/** A batch body from spooled report JSON, without parsing it again. */
export function batchBody(payloads: string[]): string {
  return `{"reports":[${payloads.join(',')}]}`;
}
