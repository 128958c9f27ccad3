/**
 * A browser stand-in for HTTP-level UI tests and the bench: a cookie jar, no redirects followed
 * unless asked, and form posts that carry the CSRF token of the last page seen (as a browser would).
 */

export interface UiRes {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

export class UiClient {
  readonly jar = new Map<string, string>();
  lastCsrf: string | undefined;

  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(h: Headers) {
    for (const sc of h.getSetCookie()) {
      const [pair, ...attrs] = sc.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async request(
    method: string,
    path: string,
    body?: string,
    extra: Record<string, string> = {},
  ): Promise<UiRes> {
    const r = await fetch(this.base + path, {
      method,
      redirect: 'manual',
      headers: {
        ...this.headers,
        ...(this.jar.size > 0 ? { cookie: this.cookieHeader() } : {}),
        ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...extra,
      },
      body,
    });
    this.remember(r.headers);
    const html = await r.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (m) this.lastCsrf = m[1];
    return { status: r.status, headers: r.headers, html, location: r.headers.get('location') };
  }

  get(path: string, extra?: Record<string, string>) {
    return this.request('GET', path, undefined, extra);
  }

  /** Posts a form with the CSRF token of the last page (unless `_csrf` is given, or `null` to omit it). */
  post(path: string, fields: Record<string, string | null>, extra?: Record<string, string>) {
    const q = new URLSearchParams();
    if (!('_csrf' in fields) && this.lastCsrf) q.set('_csrf', this.lastCsrf);
    for (const [k, v] of Object.entries(fields)) if (v !== null) q.set(k, v);
    return this.request('POST', path, q.toString(), extra);
  }

  async signIn(username: string, password: string): Promise<UiRes> {
    await this.get('/login');
    const r = await this.post('/login', { username, password });
    if (r.status !== 303) throw new Error(`sign-in as ${username}: ${r.status}`);
    return r;
  }
}

/** The visible text of an HTML fragment, roughly: tags dropped, entities of the escaper decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
