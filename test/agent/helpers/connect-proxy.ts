/**
 * A tiny HTTP proxy on loopback for the proxy tests: CONNECT tunnels (https) and absolute-form
 * requests (http), optional Basic auth (407 otherwise). It records what it was asked and every byte
 * it relayed from the client, so a test can check the agent token never crossed it in clear text.
 * It only ever connects to loopback: tests never reach anything else.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class LoopbackProxy {
  /** `Basic …` the proxy requires; undefined = no auth. */
  auth: string | undefined;
  readonly connects: { authority: string; headers: IncomingMessage['headers'] }[] = [];
  readonly forwards: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  /** Bytes the client sent through tunnels (TLS records when the agent does it right). */
  tunnelled = Buffer.alloc(0);
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.forwards.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      if (!this.authorized(req)) {
        res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"', 'content-type': 'text/html' });
        return res.end('<h1>407</h1>');
      }
      const target = new URL(req.url ?? '');
      if (target.hostname !== '127.0.0.1') {
        res.writeHead(403, { 'content-type': 'text/html' });
        return res.end('<h1>loopback only</h1>');
      }
      const { 'proxy-authorization': _, ...headers } = req.headers;
      const up = request(target, { method: req.method, headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>502</h1>');
      });
      req.pipe(up);
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('connect', (req, client: Socket, head: Buffer) => {
      const authority = req.url ?? '';
      this.connects.push({ authority, headers: req.headers });
      if (!this.authorized(req)) {
        client.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n',
        );
        return;
      }
      const [host, port] = authority.split(':');
      if (host !== '127.0.0.1') {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = connect(Number(port), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        client.on('data', (d: Buffer) => {
          this.tunnelled = Buffer.concat([this.tunnelled, d]);
        });
        client.pipe(upstream);
        upstream.pipe(client);
      });
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private authorized(req: IncomingMessage): boolean {
    return this.auth === undefined || req.headers['proxy-authorization'] === this.auth;
  }

  /** Stops listening and cuts every connection (the proxy "goes down"). */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

/** A throw-away key and self-signed certificate for 127.0.0.1 (openssl), and the folder holding them. */
export function selfSignedCert(): { key: string; cert: string; certFile: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'agent-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
