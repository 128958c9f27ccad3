/**
 * Static assets under /assets/, named by a hash of their content so they can be cached for a year
 * (`immutable`): on a slow link a page costs its HTML only, after the first visit.
 */
import { Hono } from 'hono';
import { SCRIPT } from './script.js';
import { STYLES } from './styles.js';

/** FNV-1a: not for security, only to give each version of an asset its own name. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0a3d6e"/><path d="M8 17l5 5 11-12" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

interface Asset {
  body: string;
  type: string;
}

const FILES: Record<string, Asset> = {
  css: { body: STYLES, type: 'text/css; charset=utf-8' },
  js: { body: SCRIPT, type: 'text/javascript; charset=utf-8' },
  svg: { body: ICON, type: 'image/svg+xml' },
};

const NAMES = {
  css: `/assets/app.${fnv1a(STYLES)}.css`,
  js: `/assets/app.${fnv1a(SCRIPT)}.js`,
  icon: `/assets/icon.${fnv1a(ICON)}.svg`,
} as const;

/** The URLs pages link to. */
export const ASSET_URLS = NAMES;

const BY_PATH = new Map<string, Asset>([
  [NAMES.css, FILES.css!],
  [NAMES.js, FILES.js!],
  [NAMES.icon, FILES.svg!],
]);

export const assetRoutes = new Hono().get('/assets/:name', (c) => {
  const a = BY_PATH.get(c.req.path);
  if (!a) return c.notFound();
  return c.body(a.body, 200, {
    'content-type': a.type,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  });
});
