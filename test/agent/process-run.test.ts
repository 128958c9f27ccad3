/**
 * `onestop-agent run` as a real process against a loopback stub of the agent routes that answers
 * 500, 413, garbage or 401: backoff without a tight loop, nothing lost, nothing doubled, the
 * spool kept; SIGKILL mid-send; a damaged spool quarantined; one process per data folder.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zReport } from '../../shared/schemas/agent.js';
import { AgentBundle, removeTempDataDirs, tempDataDir, until } from './helpers/agent-process.js';
import { StubServer } from './helpers/stub-server.js';

let bundle: AgentBundle;
beforeAll(async () => {
  bundle = await AgentBundle.build();
});
afterAll(() => {
  bundle?.remove();
  removeTempDataDirs();
});

/** Fast clocks: a report every 100 ms, each delivered at once, retries from 200 ms to 800 ms. */
const FAST = {
  ONESTOP_AGENT_INTERVAL_MS: '100',
  ONESTOP_AGENT_MIN_DELIVERY_MS: '0',
  ONESTOP_AGENT_BACKOFF_MS: '200,800',
};

async function enrolled(stub: StubServer): Promise<string> {
  const dir = tempDataDir();
  const r = await bundle.run(['enroll', '--server', stub.url, '--token', 'oet_good', '--data-dir', dir]);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

describe('run against a misbehaving server', () => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await new StubServer().start();
  });
  afterAll(() => stub.stop());

  it('backs off on 500, 413 and garbage without a tight loop, then delivers every reading once, in order', async () => {
    const dir = await enrolled(stub);
    stub.stored.clear();
    stub.fault = '500';
    const agent = bundle.start(['run', '--data-dir', dir], FAST);
    // 500s for 2 s: at 100 ms per report that is ~20 reports, but backoff (200 ms doubling to 800 ms) allows ≤ 6 tries.
    await new Promise((r) => setTimeout(r, 2000));
    const tries500 = stub.reportRequests.filter((x) => x.status === 500).length;
    expect(tries500).toBeGreaterThanOrEqual(2);
    expect(tries500).toBeLessThanOrEqual(6);
    stub.fault = 'garbage';
    await new Promise((r) => setTimeout(r, 1200));
    stub.fault = '413';
    await until(() => stub.stored.size > 20, 'reports delivered in small batches');
    stub.fault = 'none';
    const seen = stub.stored.size;
    await until(() => stub.stored.size > seen + 5, 'more reports after recovery');
    const end = await agent.stop('SIGTERM');
    expect(end.code, end.stderr).toBe(0);
    const ev = agent.events().map((e) => e.event);
    expect(ev).toContain('agent.started');
    expect(ev).toContain('deliver.failed');
    expect(ev).toContain('deliver.recovered');
    expect(ev.at(-1)).toBe('agent.stopped');
    // A failure is logged when it starts or changes, not on every try.
    expect(ev.filter((e) => e === 'deliver.failed').length).toBeLessThanOrEqual(4);

    // Everything collected reached the stub exactly once; seqs are contiguous and increasing.
    const seqs = stub.seqs();
    const st = await bundle.run(['status', '--data-dir', dir]);
    expect(st.stdout).toMatch(/Spooled reports: +0/);
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length);
    expect([...stub.stored.values()].every((v) => v.times === 1)).toBe(true);
    expect(stub.reportRequests.filter((x) => x.status === 413).length).toBeGreaterThan(0);
    for (const v of stub.stored.values()) zReport.parse(v.body);
  });

  it('loses nothing when killed with SIGKILL while sending (a resent batch is the server’s to deduplicate)', async () => {
    const dir = await enrolled(stub);
    stub.stored.clear();
    stub.fault = '500';
    const env = { ...FAST, ONESTOP_AGENT_INTERVAL_MS: '50', ONESTOP_AGENT_MAX_BATCH: '4' };
    const a = bundle.start(['run', '--data-dir', dir], env);
    await until(
      async () =>
        /Spooled reports: +([2-9]\d)/.test((await bundle.run(['status', '--data-dir', dir])).stdout),
      'a backlog',
    );
    stub.fault = 'none';
    await until(() => stub.stored.size > 0, 'delivery under way', 15_000, 5);
    await a.stop('SIGKILL');
    const b = bundle.start(['run', '--data-dir', dir], env);
    await until(
      async () => /Spooled reports: +0 /.test((await bundle.run(['status', '--data-dir', dir])).stdout),
      'empty spool',
      20_000,
    );
    expect((await b.stop()).code).toBe(0);
    const seqs = stub.seqs();
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length);
    const state = JSON.parse(readFileSync(join(dir, 'spool', 'state.json'), 'utf8'));
    expect(state.ackedSeq).toBe(seqs.at(-1));
  });

  it('stops with exit 2 when the token is refused, keeping the spool, and status says so', async () => {
    const dir = await enrolled(stub);
    stub.fault = '401';
    try {
      const r = await bundle.run(['run', '--data-dir', dir], FAST);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no longer accepts this PC’s token.*token revoked/);
      expect(r.stderr).toMatch(
        /Enroll again: onestop-agent enroll --server http:\/\/127\.0\.0\.1:\d+\/ --token/,
      );
      const st = await bundle.run(['status', '--data-dir', dir]);
      expect(st.code).toBe(2);
      expect(st.stdout).toMatch(/refused this PC’s token at/);
      // Re-enrolling (the same device) clears the state and keeps the spool.
      stub.fault = 'none';
      const again = await bundle.run([
        'enroll',
        '--server',
        stub.url,
        '--token',
        'oet_good',
        '--data-dir',
        dir,
      ]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/history is kept/);
      expect((await bundle.run(['status', '--data-dir', dir])).code).toBe(0);
    } finally {
      stub.fault = 'none';
    }
  });

  it('refuses a second process on the same data folder', async () => {
    const dir = await enrolled(stub);
    const agent = bundle.start(['run', '--data-dir', dir], FAST);
    await until(() => agent.events().some((e) => e.event === 'agent.started'), 'agent start');
    const second = await bundle.run(['once', '--data-dir', dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/Another onestop-agent process \(pid \d+\)/);
    const st = await bundle.run(['status', '--data-dir', dir]);
    expect(st.stdout).toMatch(/Service running: +yes \(pid \d+\)/);
    expect((await agent.stop()).code).toBe(0);
  });

  it('quarantines a damaged spool on start, reports it, and keeps going', async () => {
    const dir = await enrolled(stub);
    stub.fault = '500';
    const first = bundle.start(['run', '--data-dir', dir], FAST);
    await until(
      async () =>
        (await bundle.run(['status', '--data-dir', dir])).stdout.match(/Spooled reports: +([1-9]\d|[6-9])/),
      'a backlog',
    );
    await first.stop();
    const segs = (await import('node:fs')).readdirSync(join(dir, 'spool')).filter((f) => f.endsWith('.seg'));
    const seg = join(dir, 'spool', segs[0]!);
    const buf = readFileSync(seg);
    buf.fill(0x41, 700, 760); // scribble over the middle of the file
    writeFileSync(seg, buf);
    stub.fault = 'none';
    stub.stored.clear();
    const second = bundle.start(['run', '--data-dir', dir], FAST);
    const withNote = await until(
      () => [...stub.stored.values()].find((v) => v.body.errors?.some((e: any) => e.collector === 'spool')),
      'a report carrying the quarantine note',
    );
    expect(withNote!.body.agent.quarantined).toBe(1);
    expect(withNote!.body.errors.find((e: any) => e.collector === 'spool').message).toMatch(
      /quarantined: \d+ bytes at offset/,
    );
    const n = stub.stored.size;
    await until(() => stub.stored.size > n + 3, 'new reports after the quarantine');
    expect((await second.stop()).code).toBe(0);
    expect(second.events().some((e) => e.event === 'spool.quarantined')).toBe(true);
  });
});
