/**
 * When `run` takes the inventory: it starts `onestop-agent inventory --data-dir DIR` as a child
 * process at start and then every 24 hours, at low priority, with a hard deadline. The child writes
 * inventory.json; the runner sends it with the next report (AgentRunner's `inventory` source). So
 * the long-running process never loads systeminformation, and its memory and CPU between
 * inventories are what they were without one (ADR 0520).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import type { DataDir } from '../data-dir.js';
import type { AgentLog } from '../runner.js';

export interface InventoryScheduleOptions {
  data: DataDir;
  log: AgentLog;
  /** The command that runs `inventory` (default: this very program, see `selfCommand`). */
  command?: { file: string; args: string[] };
  /** Default 24 h. */
  everyMs?: number;
  /** The child is killed (with its own children) after this long; default 10 min. */
  timeoutMs?: number;
  /** An inventory younger than this at start is not taken again (a service restarting in a loop). */
  freshMs?: number;
  lang?: string;
  nowMs?: () => number;
}

/** Node flags that load code (tsx and other loaders) — kept; tuning flags of the service are not. */
const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

export function childNodeArgs(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!LOADER_FLAGS.has(name)) continue;
    out.push(a);
    if (eq < 0 && i + 1 < execArgv.length) out.push(execArgv[++i]!);
  }
  return out;
}

/** This program again: the same Node, its loader flags, the same script (the bundle or cli.ts). */
export function selfCommand(): { file: string; args: string[] } {
  return { file: process.execPath, args: [...childNodeArgs(process.execArgv), process.argv[1] ?? ''] };
}

export class InventorySchedule {
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly nowMs: () => number;
  /** Completed runs (tests and logs). */
  runs = 0;

  constructor(private readonly o: InventoryScheduleOptions) {
    this.nowMs = o.nowMs ?? Date.now;
  }

  /** Takes one now (unless a fresh one exists) and then every `everyMs`. */
  start(): void {
    const every = this.o.everyMs ?? 86_400_000;
    const inv = this.o.data.readInventory();
    const age = inv ? this.nowMs() - Date.parse(inv.collectedAt) : Number.POSITIVE_INFINITY;
    if (!(age >= 0 && age < (this.o.freshMs ?? 600_000))) void this.runNow();
    this.timer = setInterval(() => void this.runNow(), every);
    this.timer.unref();
  }

  /** Starts a child unless one is running; resolves when it ends (true when it succeeded). */
  runNow(): Promise<boolean> {
    if (this.stopped || this.child) return Promise.resolve(false);
    const cmd = this.o.command ?? selfCommand();
    const args = [...cmd.args, 'inventory', '--data-dir', this.o.data.dir];
    if (this.o.lang) args.push('--lang', this.o.lang);
    const started = this.nowMs();
    const windows = process.platform === 'win32';
    let child: ChildProcess;
    try {
      child = spawn(cmd.file, args, {
        stdio: ['ignore', 'ignore', 'pipe'],
        windowsHide: true,
        // Its own process group on POSIX, so a timeout kills systeminformation's children too.
        detached: !windows,
      });
    } catch (e) {
      this.o.log.warn('inventory.failed', 'could not start the inventory', { error: (e as Error).message });
      return Promise.resolve(false);
    }
    this.child = child;
    try {
      // A counter PC is serving citizens: the inventory waits for them (children inherit it).
      if (child.pid) os.setPriority(child.pid, os.constants.priority.PRIORITY_BELOW_NORMAL);
    } catch {
      // Not allowed here (some containers): run at normal priority.
    }
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-2000);
    });
    const deadline = setTimeout(() => this.kill(child), this.o.timeoutMs ?? 600_000);
    return new Promise((resolve) => {
      const end = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
        clearTimeout(deadline);
        if (this.child === child) this.child = undefined;
        this.runs++;
        const ms = this.nowMs() - started;
        if (code === 0) this.o.log.info('inventory.taken', 'inventory taken', { ms });
        else if (!this.stopped)
          this.o.log.warn('inventory.failed', 'the inventory process failed; trying again at the next one', {
            code,
            signal,
            ms,
            error: error?.message ?? stderr.trim().split('\n').slice(-3).join(' | '),
          });
        resolve(code === 0);
      };
      child.once('error', (e) => end(null, null, e));
      child.once('exit', (code, signal) => end(code, signal));
    });
  }

  private kill(child: ChildProcess): void {
    if (!child.pid || child.exitCode !== null) return;
    if (process.platform === 'win32')
      spawnSync('taskkill', ['/PID', String(child.pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' });
    else
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
  }

  /** Stops the schedule and a child still running. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.child) this.kill(this.child);
  }
}
