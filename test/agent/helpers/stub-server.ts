/**
 * A tiny loopback stand-in for the server's agent routes, for tests of how the agent copes with a
 * misbehaving server (500, 413, garbage, 401). The real server is used by the e2e tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AgentConfig } from '../../../shared/schemas/agent.js';

export type Fault = 'none' | '500' | '413' | 'garbage' | '401' | 'hang';

export class StubServer {
  fault: Fault = 'none';
  /** Reports stored, by seq, with how many times each arrived. */
  readonly stored = new Map<number, { body: any; times: number }>();
  /** Reports by agent token, for fleets (each simulated PC gets its own token). */
  readonly byToken = new Map<string, any[]>();
  readonly reportRequests: { at: number; status: number; count: number }[] = [];
  configRequests = 0;
  config: AgentConfig = {
    etag: 'cfg-1',
    intervalSec: 60,
    disk: { warnFreePct: 10, critFreePct: 5 },
    targets: [],
    peripherals: { expected: [] },
  };
  private server!: Server;
  url = '';

  /** Requests seen (method, path, the Authorization header), for proxy tests. */
  readonly seen: { method: string; url: string; authorization?: string }[] = [];

  /** Starts on loopback; with `tls` (a key and certificate for 127.0.0.1) it speaks https. */
  async start(port = 0, tls?: { key: string; cert: string }): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.server = tls ? createTlsServer(tls, handler) : createServer(handler);
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  seqs(): number[] {
    return [...this.stored.keys()].sort((a, b) => a - b);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      if (req.url === '/api/v1/agent/enroll' && req.method === 'POST') {
        const b = JSON.parse(body);
        if (b.enrollmentToken !== 'oet_good')
          return send(401, { title: 'Unauthenticated', status: 401, detail: 'bad token' });
        if (String(b.hardwareId).startsWith('sim:'))
          return send(201, {
            deviceId: `dev-${b.hardwareId}`,
            agentToken: `oda_stub.${b.hardwareId}`,
            config: this.config,
          });
        return send(201, { deviceId: 'dev-1', agentToken: 'oda_stub', config: this.config });
      }
      const auth = req.headers.authorization ?? '';
      if (!(auth === 'Bearer oda_stub' || auth.startsWith('Bearer oda_stub.')) || this.fault === '401')
        return send(401, { title: 'Unauthenticated', status: 401, detail: 'token revoked' });
      if (req.url === '/api/v1/agent/config') {
        this.configRequests++;
        if (req.headers['if-none-match'] === `"${this.config.etag}"`) {
          res.writeHead(304);
          return res.end();
        }
        return send(200, this.config, { etag: `"${this.config.etag}"` });
      }
      if (req.url === '/api/v1/agent/reports') {
        const reports = (JSON.parse(body) as { reports: { seq: number }[] }).reports;
        const log = (status: number) =>
          this.reportRequests.push({ at: Date.now(), status, count: reports.length });
        if (this.fault === 'hang') return;
        if (this.fault === '500') {
          log(500);
          return send(500, { title: 'Internal error', status: 500 });
        }
        if (this.fault === '413' && reports.length > 3) {
          log(413);
          return send(413, { title: 'Payload too large', status: 413 });
        }
        if (this.fault === 'garbage') {
          log(200);
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html><body>Cổng đăng nhập Wi-Fi</body></html>');
        }
        log(200);
        const mine = this.byToken.get(auth) ?? [];
        this.byToken.set(auth, mine);
        mine.push(...reports);
        let accepted = 0;
        for (const r of reports) {
          const prev = this.stored.get(r.seq);
          if (prev) prev.times++;
          else {
            accepted++;
            this.stored.set(r.seq, { body: r, times: 1 });
          }
        }
        return send(200, {
          accepted,
          duplicates: reports.length - accepted,
          lastSeq: Math.max(...this.stored.keys()),
        });
      }
      send(404, { title: 'Not found', status: 404 });
    });
  }
}
