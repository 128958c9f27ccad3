/**
 * Keeps wrangler off the network and out of the user's home in tests and CI: no metrics, no
 * update check (it comes with the banner), no Cloudflare request-metadata fetch, its config and
 * caches inside the project (`.xdg/`, ignored).
 */
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
