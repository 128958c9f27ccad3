/** The real `onestop-server` program: PORT=0 prints the port, /readyz answers, SIGTERM exits 0. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'onestop-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; out: string[] }> {
  const child = spawn(process.execPath, ['dist/onestop-server.mjs'], {
    env: { PATH: process.env.PATH, PORT: '0', DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no port printed: ${out.join('')}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out.push(d.toString());
      const m = out.join('').match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, out });
      }
    });
    child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out.join('')}`)));
  });
}

describe('onestop-server process', () => {
  it('prints a generated admin password once, serves /readyz, and exits 0 on SIGTERM', async () => {
    const { child, url, out } = await startProcess({});
    expect(out.join('')).toMatch(/created user "admin" with password \S+/);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('exits 2 with a message naming the variable on bad configuration', async () => {
    const child = spawn(process.execPath, ['dist/onestop-server.mjs'], {
      env: { PATH: process.env.PATH, PORT: 'not-a-port' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/PORT/);
  });
});
