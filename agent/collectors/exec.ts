/**
 * Child processes for the few sources that have no cheaper native path (PowerShell/CIM on Windows,
 * lpstat and busctl on Linux). Bounded in time and output; killed when the collector is aborted.
 * Collectors call these on a slow cadence, never on every report.
 */
import { spawn } from 'node:child_process';

export interface ExecOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  maxBytes?: number;
  env?: Record<string, string>;
}

export class ExecError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'failed' | 'timeout' | 'aborted',
  ) {
    super(message);
  }
}

export function execText(cmd: string, args: string[], opts: ExecOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const max = opts.maxBytes ?? 4 * 1024 * 1024;
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      env: { ...process.env, LC_ALL: 'C', ...opts.env },
    });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    let settled = false;
    const finish = (e: ExecError | null, text?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (e) reject(e);
      else resolve(text ?? '');
    };
    const onAbort = () => {
      child.kill();
      finish(new ExecError(`${cmd} aborted`, 'aborted'));
    };
    const timer = setTimeout(() => {
      child.kill();
      finish(new ExecError(`${cmd} gave no answer within ${opts.timeoutMs} ms`, 'timeout'));
    }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        child.kill();
        finish(new ExecError(`${cmd} printed more than ${max} bytes`, 'failed'));
      } else out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 2000) err += c.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      finish(new ExecError(`${cmd}: ${e.message}`, e.code === 'ENOENT' ? 'not-found' : 'failed')),
    );
    child.on('close', (code) => {
      if (code === 0) finish(null, Buffer.concat(out).toString('utf8'));
      else finish(new ExecError(`${cmd} exited with ${code}: ${err.trim().slice(0, 300)}`, 'failed'));
    });
  });
}

/**
 * Runs a PowerShell script and returns its (UTF-8) output. The script goes in as -EncodedCommand
 * (no quoting pitfalls) and sets the console to UTF-8 first: Windows PowerShell 5.1 otherwise
 * writes in the OEM code page and Vietnamese device names arrive garbled.
 */
export function powershell(script: string, opts: ExecOptions): Promise<string> {
  const full = `$ProgressPreference='SilentlyContinue';[Console]::OutputEncoding=[Text.Encoding]::UTF8;${script}`;
  const encoded = Buffer.from(full, 'utf16le').toString('base64');
  return execText(
    'powershell.exe',
    ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded],
    opts,
  );
}
