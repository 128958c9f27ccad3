/**
 * Sending a page: `<!DOCTYPE html>` first (hono's c.html omits it), a strict Content-Security-Policy
 * (no inline script or style anywhere in the UI, so injected markup could not run even if it slipped
 * past escaping), and no caching of pages that hold personal data or a CSRF token.
 */
import { html, raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { UiCtx } from './ui-env.js';

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function render(
  c: UiCtx,
  page: Child,
  status: ContentfulStatusCode = 200,
): Response | Promise<Response> {
  c.header('content-security-policy', CSP);
  c.header('cache-control', 'no-store');
  return c.html(html`${raw('<!DOCTYPE html>')}${page}`, status);
}
