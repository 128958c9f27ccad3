/**
 * Keeps wrangler off the network and out of the user's home in tests and CI: no metrics, no
 * update check (it comes with the banner), no Cloudflare request-metadata fetch, its config and
 * caches inside the project (`.xdg/`, ignored).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WRANGLER_TOML = `${ROOT}wrangler.toml`;
export const WRANGLER_BIN = `${ROOT}node_modules/wrangler/bin/wrangler.js`;

export function quietWrangler(): NodeJS.ProcessEnv {
  process.env.WRANGLER_SEND_METRICS = 'false';
  process.env.WRANGLER_HIDE_BANNER = 'true';
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  process.env.XDG_CONFIG_HOME ??= `${ROOT}.xdg`;
  mkdirSync(process.env.XDG_CONFIG_HOME, { recursive: true });
  return process.env;
}

/**
 * The real worker (wrangler.toml → server/worker.ts) in local workerd over the local D1 persisted in
 * `persist`, on a free loopback port, with `vars` as plain-text bindings. Tests, the target harness
 * and the benchmarks start it the same way.
 */
export async function startLocalWorker(
  persist: string,
  vars: Record<string, string>,
  opts: { logLevel?: 'none' | 'warn'; testScheduled?: boolean } = {},
) {
  const { unstable_startWorker } = await import('wrangler');
  return unstable_startWorker({
    config: WRANGLER_TOML,
    envFiles: [],
    bindings: Object.fromEntries(
      Object.entries(vars).map(([k, value]) => [k, { type: 'plain_text' as const, value }]),
    ),
    dev: {
      remote: false,
      persist,
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      watch: false,
      logLevel: opts.logLevel ?? 'warn',
      ...(opts.testScheduled ? { testScheduled: true } : {}),
    },
  });
}

/** Applies migrations/ to a local D1 persisted in `dir` with the real command (as a new user would). */
export function migrateLocalD1(dir: string): void {
  execFileSync(
    process.execPath,
    [WRANGLER_BIN, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir],
    {
      cwd: ROOT,
      env: { ...quietWrangler(), CI: 'true' },
      stdio: 'ignore',
    },
  );
}
