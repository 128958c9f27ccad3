/**
 * Delivery and transport against a tiny loopback stub (not the real server: these tests are about
 * how the agent behaves when a server misbehaves — 500, 413, 422, 429, garbage, silence).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Delivery } from '../../agent/delivery.js';
import { backoffDelay, parseRetryAfter } from '../../agent/net/backoff.js';
import { AgentTransport } from '../../agent/net/transport.js';
import { Spool } from '../../agent/spool/spool.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let url: string;
let handler: Handler;
let requests = 0;
const stored = new Map<number, string>();
let dir: string;

const ok: Handler = (_req, body, res) => {
  const reports = (JSON.parse(body) as { reports: { seq: number }[] }).reports;
  let accepted = 0;
  for (const r of reports) {
    if (!stored.has(r.seq)) accepted++;
    stored.set(r.seq, JSON.stringify(r));
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ accepted, duplicates: reports.length - accepted, lastSeq: Math.max(...stored.keys()) }),
  );
};

beforeEach(async () => {
  stored.clear();
  requests = 0;
  handler = ok;
  dir = mkdtempSync(join(tmpdir(), 'delivery-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests++;
      handler(req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function setup(n: number, opts: { nowMs?: () => number; timeoutMs?: number } = {}) {
  const spool = await Spool.open(dir, { nowSec: () => 1, durable: false });
  for (let i = 0; i < n; i++) {
    const seq = spool.allocateSeq();
    await spool.append(
      seq,
      JSON.stringify({ seq, collectedAt: '2026-03-02T02:00:00Z', disks: [], targets: [], peripherals: [] }),
    );
  }
  const transport = new AgentTransport(url, 'oda_test', {
    userAgent: 'test',
    timeoutMs: opts.timeoutMs ?? 5000,
  });
  let clock = 1_000_000;
  const nowMs = opts.nowMs ?? (() => clock);
  const delivery = new Delivery(spool, transport, {
    maxBatch: 50,
    backoff: { baseMs: 1000, maxMs: 16_000 },
    random: () => 0.5,
    nowMs,
  });
  return { spool, delivery, advance: (ms: number) => (clock += ms) };
}

describe('backoff', () => {
  it('grows exponentially with half of it jittered, up to the cap', () => {
    const p = { baseMs: 1000, maxMs: 8000 };
    expect(backoffDelay(1, p, () => 0)).toBe(500);
    expect(backoffDelay(1, p, () => 1)).toBe(1000);
    expect(backoffDelay(3, p, () => 0)).toBe(2000);
    expect(backoffDelay(30, p, () => 1)).toBe(8000);
    expect(backoffDelay(30, p, () => 0)).toBe(4000);
  });
  it('reads retry-after as seconds or a date, bounded', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('999999', 0)).toBe(3_600_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('delivery', () => {
  it('sends everything in order in batches and acknowledges it', async () => {
    const { spool, delivery } = await setup(120);
    const r = await delivery.drain();
    expect(r).toEqual({ kind: 'idle', delivered: 120 });
    expect(requests).toBe(3);
    expect([...stored.keys()]).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(spool.counters().pending).toBe(0);
    await spool.close();
  });

  it('backs off on 500 without touching the server until the delay has passed, then loses nothing', async () => {
    const { spool, delivery, advance } = await setup(10);
    handler = (_q, _b, res) => {
      res.writeHead(500, { 'content-type': 'application/problem+json' });
      res.end('{"title":"boom"}');
    };
    const first = await delivery.drain();
    expect(first).toMatchObject({ kind: 'failed', retryInMs: 750 });
    for (let i = 0; i < 50; i++) expect((await delivery.drain()).kind).toBe('waiting');
    expect(requests).toBe(1);
    advance(750);
    expect(await delivery.drain()).toMatchObject({ kind: 'failed', retryInMs: 1500 });
    advance(1500);
    expect(await delivery.drain()).toMatchObject({ kind: 'failed', retryInMs: 3000 });
    expect(requests).toBe(3);
    expect(spool.counters().pending).toBe(10);
    handler = ok;
    advance(3000);
    expect(await delivery.drain()).toEqual({ kind: 'idle', delivered: 10 });
    expect(delivery.failures).toBe(0);
    expect([...stored.keys()]).toHaveLength(10);
    await spool.close();
  });

  it('does not take a 200 that is not the contract answer (a proxy page) as an acknowledgement', async () => {
    const { spool, delivery, advance } = await setup(3);
    handler = (_q, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>Đăng nhập mạng Wi-Fi</html>');
    };
    expect(await delivery.drain()).toMatchObject({ kind: 'failed', error: { kind: 'garbage' } });
    handler = (_q, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    };
    advance(10_000);
    expect(await delivery.drain()).toMatchObject({ kind: 'failed', error: { kind: 'garbage' } });
    expect(spool.counters().pending).toBe(3);
    handler = ok;
    advance(10_000);
    expect(await delivery.drain()).toEqual({ kind: 'idle', delivered: 3 });
    await spool.close();
  });

  it('splits batches the server finds too large, and delivers all of them in order', async () => {
    const { spool, delivery } = await setup(100);
    handler = (req, body, res) => {
      if ((JSON.parse(body) as { reports: unknown[] }).reports.length > 8) {
        res.writeHead(413, { 'content-type': 'application/problem+json' });
        res.end('{"title":"too large"}');
        return;
      }
      ok(req, body, res);
    };
    expect(await delivery.drain()).toEqual({ kind: 'idle', delivered: 100 });
    expect([...stored.keys()]).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await spool.close();
  });

  it('moves the one record the server refuses aside and delivers the rest', async () => {
    const { spool, delivery } = await setup(20);
    handler = (req, body, res) => {
      if ((JSON.parse(body) as { reports: { seq: number }[] }).reports.some((r) => r.seq === 13)) {
        res.writeHead(422, { 'content-type': 'application/problem+json' });
        res.end('{"title":"invalid","detail":"reports.0.disks: bad"}');
        return;
      }
      ok(req, body, res);
    };
    expect(await delivery.drain()).toEqual({ kind: 'idle', delivered: 19 });
    expect(stored.has(13)).toBe(false);
    expect(delivery.rejected.map((r) => r.seq)).toEqual([13]);
    expect(spool.counters()).toMatchObject({ pending: 0, quarantined: 1 });
    await spool.close();
  });

  it('does not throw away records when the server refuses everything (a server problem, not a record)', async () => {
    const { spool, delivery } = await setup(20);
    handler = (_q, _b, res) => {
      res.writeHead(400, { 'content-type': 'application/problem+json' });
      res.end('{"title":"bad request"}');
    };
    expect(await delivery.drain()).toMatchObject({ kind: 'failed' });
    expect(spool.counters().quarantined).toBeLessThanOrEqual(2);
    expect(spool.counters().pending).toBeGreaterThanOrEqual(18);
    await spool.close();
  });

  it('honours retry-after on 429', async () => {
    const { spool, delivery } = await setup(2);
    handler = (_q, _b, res) => {
      res.writeHead(429, { 'retry-after': '30', 'content-type': 'application/problem+json' });
      res.end('{}');
    };
    expect(await delivery.drain()).toMatchObject({ kind: 'failed', retryInMs: 30_000 });
    await spool.close();
  });

  it('stops on 401 and keeps the spool', async () => {
    const { spool, delivery } = await setup(5);
    handler = (_q, _b, res) => {
      res.writeHead(401, { 'content-type': 'application/problem+json' });
      res.end('{"title":"unauthenticated","detail":"token revoked"}');
    };
    const r = await delivery.drain();
    expect(r).toMatchObject({ kind: 'unauthorized' });
    expect(spool.counters().pending).toBe(5);
    await spool.close();
  });

  it('treats a server that never answers as a timeout and a closed port as a network failure', async () => {
    const { spool, delivery, advance } = await setup(1, { timeoutMs: 300 });
    handler = () => {}; // never answers
    expect(await delivery.drain()).toMatchObject({ kind: 'failed', error: { kind: 'timeout' } });
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    advance(60_000);
    expect(await delivery.drain()).toMatchObject({ kind: 'failed', error: { kind: 'network' } });
    expect(spool.counters().pending).toBe(1);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r)); // for afterEach
    await spool.close();
  });
});
