/**
 * End to end: the real agent process (the esbuild bundle) against the real server on loopback,
 * over a real libSQL file. Enroll; `once` appears at the server; the server stops and comes back
 * and every reading arrives once, in order; SIGKILL mid-send loses and doubles nothing; a damaged
 * spool is quarantined and reported; a revoked token stops the agent with exit 2, spool kept.
 * How the agent copes with a server answering 500, 413 or garbage is in ../process-run.test.ts
 * (a loopback stub can misbehave on cue; the real server cannot).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zReport } from '../../../shared/schemas/agent.js';
import { createUnit, unique } from '../../helpers/factories.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { AgentBundle, removeTempDataDirs, tempDataDir, until } from '../helpers/agent-process.js';

/** Fast clocks for a test: reports every 150 ms, retries from 100 ms up to 600 ms; never leave loopback. */
const FAST = {
  ONESTOP_AGENT_INTERVAL_MS: '150',
  ONESTOP_AGENT_MIN_DELIVERY_MS: '0',
  ONESTOP_AGENT_BACKOFF_MS: '100,600',
  ONESTOP_AGENT_CONFIG_EVERY_MS: '1000',
  ONESTOP_AGENT_LOOPBACK_ONLY: '1',
};

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('agent ↔ server, end to end', () => {
  let bundle: AgentBundle;
  let server: TestServer;
  let port: number;
  let dir: string;
  let tcpTarget: ReturnType<typeof createServer>;

  const start = async () => {
    server = await startTestServer({ env: { PORT: String(port) }, dir, keepDir: true });
  };

  beforeAll(async () => {
    bundle = await AgentBundle.build();
    port = await freePort();
    dir = tempDataDir();
    await start();
    // The counter's targets point at loopback only: the default policy names real public systems.
    tcpTarget = createServer((s) => s.end());
    await new Promise<void>((r) => tcpTarget.listen(0, '127.0.0.1', r));
    const tport = (tcpTarget.address() as { port: number }).port;
    const put = await server.admin.put('/api/v1/units/HN/policy', {
      targets: [
        {
          id: 'motcua',
          name: 'Hệ thống một cửa (loopback)',
          kind: 'tcp',
          host: '127.0.0.1',
          port: tport,
          warnMs: 200,
          critMs: 1000,
          timeoutMs: 1000,
        },
        {
          id: 'dvc',
          name: 'Cổng dịch vụ công (loopback)',
          kind: 'http',
          url: `${server.url}/healthz`,
          warnMs: 200,
          critMs: 1000,
          timeoutMs: 1000,
        },
      ],
      peripherals: { expected: [] },
    });
    expect(put.status, put.text).toBe(200);
  });

  afterAll(async () => {
    tcpTarget?.close();
    await server?.stop();
    bundle?.remove();
    removeTempDataDirs();
  });

  async function enrollNew(): Promise<{ data: string; deviceId: string; unitCode: string }> {
    const unit = await createUnit(server.admin, { level: 'commune', parentCode: 'HN', code: unique('P') });
    const tok = await server.admin.post(`/api/v1/units/${unit.code}/enrollment-tokens`, {});
    expect(tok.status, tok.text).toBe(201);
    const data = tempDataDir();
    const r = await bundle.run(
      [
        'enroll',
        '--server',
        server.url,
        '--token',
        tok.body.token,
        '--data-dir',
        data,
        '--hardware-id',
        unique('hw-'),
      ],
      FAST,
    );
    expect(r.code, r.stderr).toBe(0);
    const id = JSON.parse(readFileSync(join(data, 'identity.json'), 'utf8'));
    return { data, deviceId: id.deviceId, unitCode: unit.code };
  }

  /** Seqs the server stored for a device, in the order it stored them. */
  async function storedSeqs(deviceId: string): Promise<number[]> {
    const db = createClient({ url: `file:${server.dbPath}` });
    try {
      const rs = await db.execute({
        sql: 'SELECT seq FROM reports WHERE device_id = ? ORDER BY rowid',
        args: [deviceId],
      });
      return rs.rows.map((r) => Number(r.seq));
    } finally {
      db.close();
    }
  }

  async function storedBodies(deviceId: string): Promise<any[]> {
    const db = createClient({ url: `file:${server.dbPath}` });
    try {
      // A report is stored either on its own or as one item of its batch's stored body.
      const rs = await db.execute({
        sql: `SELECT COALESCE(r.body, json_extract(b.body, '$.reports[' || r.batch_idx || ']')) AS body
              FROM reports r LEFT JOIN report_batches b ON b.id = r.batch_id
              WHERE r.device_id = ? ORDER BY r.seq`,
        args: [deviceId],
      });
      return rs.rows.map((r) => JSON.parse(String(r.body)));
    } finally {
      db.close();
    }
  }

  const ackedSeq = (data: string) =>
    JSON.parse(readFileSync(join(data, 'spool', 'state.json'), 'utf8')).ackedSeq as number;

  function expectContiguousInOrder(seqs: number[]) {
    expect(seqs.length).toBeGreaterThan(0);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i], `position ${i}`).toBe(seqs[i - 1]! + 1);
  }

  it('enrolls, and a report sent with `once` appears at the server', async () => {
    const { data, deviceId } = await enrollNew();
    const once = await bundle.run(['once', '--data-dir', data], FAST);
    expect(once.code, once.stderr).toBe(0);
    const report = zReport.parse(JSON.parse(once.stdout));
    expect(report.targets.map((t) => [t.id, t.ok])).toEqual([
      ['motcua', true],
      ['dvc', true],
    ]);
    const dev = await server.admin.get(`/api/v1/devices/${deviceId}`);
    expect(dev.status, dev.text).toBe(200);
    expect(dev.body).toMatchObject({ id: deviceId, lastSeq: report.seq, reportsReceived: 1 });
    expect(await storedSeqs(deviceId)).toEqual([report.seq]);
    const st = await bundle.run(['status', '--data-dir', data], FAST);
    expect(st.code).toBe(0);
    expect(st.stdout).toContain(deviceId);
    expect(st.stdout).toMatch(/Spooled reports: +0/);
  });

  it('delivers every reading taken while the server was down once, in order, after it returns', async () => {
    const { data, deviceId } = await enrollNew();
    const agent = bundle.start(['run', '--data-dir', data], FAST);
    await until(async () => (await storedSeqs(deviceId)).length >= 3, 'first reports');
    await server.stop();
    // While the server is away the agent keeps collecting into its spool.
    await until(
      async () => {
        const st = await bundle.run(['status', '--data-dir', data], FAST);
        return /Spooled reports: +([1-9]\d)/.test(st.stdout);
      },
      'ten or more spooled reports',
      20_000,
    );
    await start();
    await until(
      async () => {
        const s = await storedSeqs(deviceId);
        return (
          s.length > 20 &&
          /Spooled reports: +0 /.test((await bundle.run(['status', '--data-dir', data], FAST)).stdout)
        );
      },
      'the backlog delivered',
      20_000,
    );
    const end = await agent.stop();
    expect(end.code, end.stderr).toBe(0);
    const seqs = await storedSeqs(deviceId);
    expectContiguousInOrder(seqs);
    expect(seqs.at(-1)).toBe(ackedSeq(data));
    const dev = await server.admin.get(`/api/v1/devices/${deviceId}`);
    expect(dev.body).toMatchObject({ lastSeq: seqs.at(-1), reportsReceived: seqs.length });
    expect(agent.events().some((e) => e.event === 'deliver.recovered')).toBe(true);
  });

  it('loses and doubles nothing when killed with SIGKILL in the middle of sending', async () => {
    const { data, deviceId } = await enrollNew();
    const env = { ...FAST, ONESTOP_AGENT_INTERVAL_MS: '60', ONESTOP_AGENT_MAX_BATCH: '4' };
    await server.stop();
    const offline = bundle.start(['run', '--data-dir', data], env);
    await until(
      async () =>
        /Spooled reports: +([4-9]\d)/.test((await bundle.run(['status', '--data-dir', data], env)).stdout),
      '40+ spooled',
      30_000,
    );
    await offline.stop();
    await start();
    for (let round = 0; round < 3; round++) {
      const before = (await storedSeqs(deviceId)).length;
      const a = bundle.start(['run', '--data-dir', data], env);
      await until(
        async () => (await storedSeqs(deviceId)).length > before,
        `delivery under way (round ${round})`,
        15_000,
        5,
      );
      const killed = await a.stop('SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
    }
    const last = bundle.start(['run', '--data-dir', data], env);
    await until(
      async () => /Spooled reports: +0 /.test((await bundle.run(['status', '--data-dir', data], env)).stdout),
      'empty spool',
      20_000,
    );
    expect((await last.stop()).code).toBe(0);
    const seqs = await storedSeqs(deviceId);
    expect(new Set(seqs).size).toBe(seqs.length);
    expectContiguousInOrder([...seqs].sort((x, y) => x - y));
    expect(Math.max(...seqs)).toBe(ackedSeq(data));
    const dev = await server.admin.get(`/api/v1/devices/${deviceId}`);
    expect(dev.body.reportsReceived).toBe(seqs.length);
  });

  it('quarantines a damaged spool, tells the server, and keeps reporting', async () => {
    const { data, deviceId } = await enrollNew();
    await server.stop();
    const offline = bundle.start(['run', '--data-dir', data], FAST);
    await until(
      async () =>
        /Spooled reports: +([1-9]\d)/.test((await bundle.run(['status', '--data-dir', data], FAST)).stdout),
      'a backlog',
      20_000,
    );
    await offline.stop();
    const seg = join(data, 'spool', readdirSync(join(data, 'spool')).find((f) => f.endsWith('.seg'))!);
    const buf = readFileSync(seg);
    buf.fill(0x7a, Math.floor(buf.length / 2), Math.floor(buf.length / 2) + 40);
    writeFileSync(seg, buf);
    await start();
    const agent = bundle.start(['run', '--data-dir', data], FAST);
    const note = await until(
      async () =>
        (await storedBodies(deviceId)).find((b) => b.errors?.some((e: any) => e.collector === 'spool')),
      'the quarantine note at the server',
      20_000,
    );
    expect(note.agent.quarantined).toBe(1);
    const n = (await storedSeqs(deviceId)).length;
    await until(async () => (await storedSeqs(deviceId)).length > n + 3, 'reports after the quarantine');
    expect((await agent.stop()).code).toBe(0);
    expect(readdirSync(join(data, 'spool', 'quarantine')).length).toBe(1);
  });

  it('stops with exit 2 and a clear message when the device is revoked, keeping its spool', async () => {
    const { data, deviceId } = await enrollNew();
    const agent = bundle.start(['run', '--data-dir', data], FAST);
    await until(async () => (await storedSeqs(deviceId)).length >= 2, 'first reports');
    const rv = await server.admin.post(`/api/v1/devices/${deviceId}/revoke`, {});
    expect(rv.status, rv.text).toBe(200);
    const end = await Promise.race([
      agent.exited,
      new Promise<never>((_, j) => setTimeout(() => j(new Error('agent did not stop')), 15_000)),
    ]);
    expect(end.code).toBe(2);
    expect(end.stderr).toMatch(/no longer accepts this PC’s token/);
    expect(end.stderr).toMatch(/Enroll again: onestop-agent enroll --server/);
    const st = await bundle.run(['status', '--data-dir', data], FAST);
    expect(st.code).toBe(2);
    expect(st.stdout).toMatch(/refused this PC’s token/);
    expect(existsSync(join(data, 'spool', 'state.json'))).toBe(true);
  });
});
