/**
 * Many virtual agents in one process, for the demo and for load tests: each one enrolls through
 * the public API, then runs the real AgentRunner (spool, batching, backoff, config with ETag) with
 * the fake collectors of a VirtualPc. Faults are injected per PC; `silence()` switches a PC off.
 *
 * Command line (load tests):
 *   tsx agent/simulate/fleet.ts --server URL --token ENROLLMENT_TOKEN --count 50 [--interval-sec 5]
 *     [--prefix PC] [--data-dir DIR] [--minutes N]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AgentConfig } from '../../shared/schemas/agent.js';
import type { AgentStatus } from '../data-dir.js';
import type { BackoffPolicy } from '../net/backoff.js';
import { AgentTransport, enroll } from '../net/transport.js';
import { type AgentLog, AgentRunner, silentLog } from '../runner.js';
import { Spool } from '../spool/spool.js';
import { AGENT_VERSION } from '../version.js';
import { seedOf, VirtualPc } from './virtual-pc.js';

export interface VirtualAgentSpec {
  enrollmentToken: string;
  hostname: string;
  /** Defaults to one derived from the hostname (stable across demo runs). */
  hardwareId?: string;
  /** Free label (e.g. the unit code) for scenarios to select PCs by. */
  unitCode?: string;
}

export interface FleetOptions {
  server: string;
  agents: VirtualAgentSpec[];
  /** Where the virtual spools live (default: a temp folder). */
  dataRoot?: string;
  /** Overrides the server's interval (load tests); the demo uses the server's. */
  intervalMs?: number;
  /** See RunnerOptions.minDeliveryMs (tests deliver every report at once). */
  minDeliveryMs?: number;
  backoff?: BackoffPolicy;
  log?: AgentLog;
  /** Enrollments in flight at once (default 8). */
  enrollConcurrency?: number;
}

export class VirtualAgent {
  readonly pc: VirtualPc;
  /** The runner's status across silence/wake (the real agent's status.json). */
  private status: AgentStatus = {};
  deviceId = '';
  private token = '';
  private config: AgentConfig | undefined;
  private spool: Spool | undefined;
  private runner: AgentRunner | undefined;
  private ac: AbortController | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    readonly spec: VirtualAgentSpec,
    private readonly fleet: FleetOptions,
    private readonly dir: string,
  ) {
    this.pc = new VirtualPc(spec.hostname);
  }

  get hardwareId(): string {
    return this.spec.hardwareId ?? `sim:${seedOf(this.spec.hostname).toString(16)}`;
  }

  get silent(): boolean {
    return !this.ac;
  }

  async enroll(): Promise<void> {
    const res = await enroll(
      this.fleet.server,
      {
        enrollmentToken: this.spec.enrollmentToken,
        hostname: this.spec.hostname,
        hardwareId: this.hardwareId,
        os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
        agentVersion: AGENT_VERSION,
      },
      { userAgent: `onestop-agent/${AGENT_VERSION} (simulated)` },
    );
    this.deviceId = res.deviceId;
    this.token = res.agentToken;
    this.config = res.config;
    mkdirSync(this.dir, { recursive: true });
    this.spool = await Spool.open(this.dir, { durable: false });
  }

  /** Starts (or resumes) reporting, after a random delay so a fleet does not report in lockstep. */
  start(initialDelayMs = 0): void {
    if (this.ac || !this.spool || !this.config) return;
    const ac = new AbortController();
    this.ac = ac;
    // The real agent takes its inventory when the service starts (ADR 0520).
    if (!this.pc.inventorySource().stamp()) this.pc.takeInventory();
    this.runner = new AgentRunner(
      {
        spool: this.spool,
        transport: new AgentTransport(this.fleet.server, this.token, {
          userAgent: `onestop-agent/${AGENT_VERSION} (simulated)`,
        }),
        config: this.runner?.config ?? this.config,
        collectors: this.pc.collectors(),
        version: AGENT_VERSION,
        log: this.fleet.log ?? silentLog,
        intervalMs: this.fleet.intervalMs,
        minDeliveryMs: this.fleet.minDeliveryMs,
        backoff: this.fleet.backoff,
        inventory: this.pc.inventorySource(),
        // What the real agent keeps in status.json, so a PC woken up does not send its inventory again.
        saveStatus: async (st) => {
          this.status = st;
        },
      },
      this.status,
    );
    const runner = this.runner;
    this.running = (async () => {
      if (initialDelayMs > 0) await new Promise((r) => setTimeout(r, initialDelayMs));
      if (!ac.signal.aborted) await runner.run(ac.signal);
    })();
  }

  /** The PC is switched off: no collection, no reports, until `wake()`. */
  async silence(): Promise<void> {
    const ac = this.ac;
    this.ac = undefined;
    ac?.abort();
    await this.running;
  }

  wake(): void {
    this.start();
  }

  async close(): Promise<void> {
    await this.silence();
    await this.spool?.close();
  }
}

export class Fleet {
  constructor(
    readonly agents: VirtualAgent[],
    /** A temp folder made for this fleet, removed on stop. */
    private readonly ownRoot?: string,
  ) {}

  /** PCs whose unit code (or hostname) matches. */
  select(pred: (a: VirtualAgent) => boolean): VirtualAgent[] {
    return this.agents.filter(pred);
  }

  byUnit(unitCode: string): VirtualAgent[] {
    return this.select((a) => a.spec.unitCode === unitCode);
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.close()));
    if (this.ownRoot) rmSync(this.ownRoot, { recursive: true, force: true });
  }
}

/** Enrolls every virtual agent (a few at a time) and starts them, spread over one interval. */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const root = opts.dataRoot ?? mkdtempSync(join(tmpdir(), 'onestop-fleet-'));
  const agents = opts.agents.map((s, i) => new VirtualAgent(s, opts, join(root, `${i}-${s.hostname}`)));
  const queue = [...agents];
  const workers = Array.from({ length: Math.min(opts.enrollConcurrency ?? 8, agents.length) }, async () => {
    for (let a = queue.shift(); a; a = queue.shift()) await a.enroll();
  });
  await Promise.all(workers);
  for (const a of agents) {
    const spread = opts.intervalMs ?? 10_000;
    a.start(Math.floor(a.pc.random() * spread));
  }
  return new Fleet(agents, opts.dataRoot ? undefined : root);
}

// ---- command line ------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      count: { type: 'string', default: '10' },
      'interval-sec': { type: 'string' },
      prefix: { type: 'string', default: 'SIM-PC' },
      'data-dir': { type: 'string' },
      minutes: { type: 'string' },
    },
    strict: true,
  });
  if (!v.server || !v.token) {
    console.error(
      'usage: tsx agent/simulate/fleet.ts --server URL --token ENROLLMENT_TOKEN [--count N] [--interval-sec S]',
    );
    process.exit(2);
  }
  const count = Number(v.count);
  const fleet = await startFleet({
    server: v.server,
    dataRoot: v['data-dir'],
    intervalMs: v['interval-sec'] ? Number(v['interval-sec']) * 1000 : undefined,
    agents: Array.from({ length: count }, (_, i) => ({
      enrollmentToken: v.token!,
      hostname: `${v.prefix}-${String(i + 1).padStart(3, '0')}`,
    })),
  });
  console.log(`${count} virtual agents reporting to ${v.server}; Ctrl+C to stop`);
  const stop = async () => {
    await fleet.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (v.minutes) setTimeout(stop, Number(v.minutes) * 60_000);
}

if (/simulate[\\/]fleet\.(ts|js|mjs)$/.test(process.argv[1] ?? '')) void main();
