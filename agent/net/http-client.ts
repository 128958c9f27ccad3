/**
 * A small HTTP(S) client on node:http — not fetch: loading undici costs ~12 MB of RSS, a fifth of
 * the agent's whole budget. Bounded response size, an overall deadline, one keep-alive socket.
 */
import http from 'node:http';
import https from 'node:https';

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
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 1, timeout: 15_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 1, timeout: 15_000 }),
};

export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const u = typeof req.url === 'string' ? new URL(req.url) : req.url;
  const secure = u.protocol === 'https:';
  const mod = secure ? https : http;
  const max = req.maxResponseBytes ?? 1024 * 1024;
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (req.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(req.body));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: Error | null, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(res!);
    };
    const r = mod.request(
      u,
      { method: req.method, headers, agent: secure ? agents.https : agents.http },
      (res) => {
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
      },
    );
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
