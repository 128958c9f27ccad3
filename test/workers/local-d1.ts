/**
 * A private copy of the migrated local D1 (see global-setup.ts), reached from Node through
 * wrangler's getPlatformProxy — the same workerd D1 simulator `wrangler dev` uses.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { getPlatformProxy } from 'wrangler';
import type { D1DatabaseLike } from '../../server/db/d1.js';
import type { LogFields, Logger } from '../../server/deps.js';
import { quietWrangler, WRANGLER_TOML } from './wrangler-env.js';

export interface LocalD1 {
  dir: string;
  DB: D1DatabaseLike;
  dispose(): Promise<void>;
}

/** A folder holding a copy of the migrated D1 state (`<dir>/v3/d1/...`), or an empty one. */
export function d1Dir(migrated = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'onestop-wk-'));
  if (migrated) cpSync(inject('migratedD1'), dir, { recursive: true });
  return dir;
}

export async function openLocalD1(): Promise<LocalD1> {
  quietWrangler();
  const dir = d1Dir();
  const proxy = await getPlatformProxy<{ DB: D1DatabaseLike }>({
    configPath: WRANGLER_TOML,
    persist: { path: join(dir, 'v3') },
    envFiles: [],
    remoteBindings: false,
  });
  return {
    dir,
    DB: proxy.env.DB,
    dispose: async () => {
      await proxy.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CapturedLog {
  level: string;
  msg: string;
  fields?: LogFields;
}

export function capturingLogger(): Logger & { lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const at = (level: string) => (msg: string, fields?: LogFields) => {
    lines.push({ level, msg, fields });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
