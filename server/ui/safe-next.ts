/**
 * Where to go after sign-in: only a path on this site. Anything that could leave the site
 * (`//evil`, `/\evil`, `https://…`, control characters) falls back to the home page, so the
 * `next` parameter can never be turned into an open redirect.
 */

const BASE = 'http://same-site.invalid';

export function safeNext(raw: string | null | undefined, opts: { allowAuthPages?: boolean } = {}): string {
  if (!raw || raw.length > 2000) return '/';
  if (!raw.startsWith('/') || raw.startsWith('//')) return '/';
  // Browsers treat `\` like `/`, and strip tabs/newlines: refuse both rather than guess.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return '/';
  let u: URL;
  try {
    u = new URL(raw, BASE);
  } catch {
    return '/';
  }
  if (u.origin !== BASE) return '/';
  // After signing in, going "back" to the sign-in page would loop; the language switch may return there.
  if (!opts.allowAuthPages && (u.pathname === '/login' || u.pathname === '/logout')) return '/';
  return u.pathname + u.search + u.hash;
}
