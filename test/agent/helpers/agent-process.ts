/**
 * The real agent as a child process: bundled with esbuild exactly as `npm run build` does (into a
 * temp folder, so test files never race on dist/), started with a data folder of its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgent } from '../../../agent/bundle.mjs';

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class AgentBundle {
  private constructor(
    readonly dir: string,
    readonly file: string,
  ) {}

  static async build(): Promise<AgentBundle> {
    const dir = mkdtempSync(join(tmpdir(), 'agent-bundle-'));
    const { main } = await buildAgent({ outdir: dir });
    return new AgentBundle(dir, main);
  }

  /** Runs a command to completion. */
  run(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<AgentRun> {
    const p = this.start(args, env);
    const t = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
    return p.exited.finally(() => clearTimeout(t));
  }

  /** Starts a long-running command (`run`); the caller stops or kills it. */
  start(args: string[], env: Record<string, string> = {}): AgentProcess {
    const child = spawn(process.execPath, [this.file, ...args], {
      env: { PATH: process.env.PATH ?? '', LANG: 'en_US.UTF-8', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AgentProcess(child);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class AgentProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<AgentRun>;
  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (c: Buffer) => {
      this.stdout += c.toString('utf8');
    });
    child.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString('utf8');
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        // Give the pipes a moment to flush.
        setTimeout(() => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }), 20);
      }),
    );
  }

  /** JSON log events the agent wrote on stderr. */
  events(): { event: string; [k: string]: unknown }[] {
    return this.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<AgentRun> {
    this.child.kill(signal);
    return this.exited;
  }
}

const created: string[] = [];

export function tempDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'agent-data-'));
  created.push(d);
  return d;
}

/** Removes every folder tempDataDir() made in this process (call it in afterAll). */
export function removeTempDataDirs(): void {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Polls until `fn` returns a truthy value (no fixed sleeps in tests). */
export async function until<T>(
  fn: () => Promise<T> | T,
  what: string,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
