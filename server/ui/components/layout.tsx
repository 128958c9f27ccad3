/**
 * The page frame: header (brand, navigation, the signed-in user and scope, language switch, sign-out),
 * flash message, content, footer. Every page renders through it, so each gets the same DOCTYPE-ready
 * document, assets and landmarks.
 */
import type { Child } from 'hono/jsx';
import { ASSET_URLS } from '../assets/index.js';
import { LANGUAGES } from '../i18n/index.js';
import { currentEntry, type NavEntry } from '../nav.js';
import type { PageCtx, PageUser } from '../page-context.js';
import { FlashMessage } from './flash.js';
import { CsrfField } from './form.js';
import { countdownPageAttrs } from './time.js';

export function Layout(props: { ctx: PageCtx; title: string; children?: Child; bare?: boolean }) {
  const { ctx, title } = props;
  const { t } = ctx;
  return (
    <html lang={t.meta.htmlLang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* Load-bearing: the app-wide Referrer-Policy is no-referrer, under which browsers send
            `Origin: null` on form posts, and the CSRF origin check would refuse every form. */}
        <meta name="referrer" content="same-origin" />
        <title>{`${title} · ${t.app.name}`}</title>
        <link rel="icon" href={ASSET_URLS.icon} type="image/svg+xml" />
        <link rel="stylesheet" href={ASSET_URLS.css} />
        <script src={ASSET_URLS.js} defer></script>
      </head>
      <body {...countdownPageAttrs(ctx.now, ctx.lang)}>
        <a class="skip-link" href="#main">
          {t.common.skipToContent}
        </a>
        <Header ctx={ctx} />
        <main id="main" tabindex={-1}>
          {ctx.flash && <FlashMessage flash={ctx.flash} />}
          {props.children}
        </main>
        <footer class="site">
          <p>{t.app.footer}</p>
        </footer>
      </body>
    </html>
  );
}

function Header({ ctx }: { ctx: PageCtx }) {
  const { t } = ctx;
  const current = currentEntry(ctx.nav, ctx.path);
  return (
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href="/">
          {t.app.name}
          <small>{t.app.tagline}</small>
        </a>
        {ctx.user && ctx.nav.length > 0 && (
          <nav class="mainnav" aria-label={t.nav.main}>
            <ul>
              {ctx.nav.map((e) => (
                <li>
                  <a href={e.href} aria-current={e === current ? 'page' : undefined}>
                    {t.nav[e.key]}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="userbox">
          {ctx.user && <UserMenu user={ctx.user} ctx={ctx} />}
          {ctx.user && (
            <a
              href="/notifications"
              class={ctx.unread > 0 ? 'bell bell-unread' : 'bell'}
              aria-current={ctx.path === '/notifications' ? 'page' : undefined}
            >
              {t.notifications.link(ctx.unread)}
            </a>
          )}
          <LanguageSwitch ctx={ctx} />
          {ctx.user && (
            <form method="post" action="/logout" class="inline-form">
              <CsrfField ctx={ctx} />
              <button type="submit" class="btn-signout">
                {t.header.signOut}
              </button>
            </form>
          )}
        </div>
      </div>
    </header>
  );
}

/**
 * Name and the widest role, so a person always knows whose eyes they are looking through; it opens
 * the account menu (a `<details>`: no script needed). On phones the name gives way to "Account".
 */
function UserMenu({ user, ctx }: { user: PageUser; ctx: PageCtx }) {
  const { t } = ctx;
  const first = user.roles[0];
  const more = user.roles.length - 1;
  const here = (href: string) => (ctx.path === href ? 'page' : undefined);
  return (
    <details class="usermenu">
      <summary aria-label={t.header.accountMenu}>
        <span class="who">
          <strong>{user.displayName}</strong>
          <span>
            {first ? t.home.roleAt(t.roles[first.role], first.unitName) : t.users.noRoles}
            {more > 0 ? ` · ${t.header.moreRoles(more)}` : ''}
          </span>
        </span>
        <span class="who-compact">{t.header.account}</span>
      </summary>
      <ul>
        <li>
          <a href="/account/password" aria-current={here('/account/password')}>
            {t.header.changePassword}
          </a>
        </li>
        <li>
          <a href="/account/sessions" aria-current={here('/account/sessions')}>
            {t.header.sessions}
          </a>
        </li>
      </ul>
    </details>
  );
}

/** A form, not links: switching language is a (tiny) state change, so it is a CSRF-protected POST. */
function LanguageSwitch({ ctx }: { ctx: PageCtx }) {
  return (
    <form method="post" action="/lang" class="inline-form">
      <CsrfField ctx={ctx} />
      <input type="hidden" name="back" value={ctx.url} />
      <fieldset class="langswitch">
        <legend class="visually-hidden">{ctx.t.header.language}</legend>
        {LANGUAGES.map((l) => (
          <button
            type="submit"
            name="lang"
            value={l.code}
            lang={l.code}
            title={l.label}
            aria-label={l.label}
            aria-pressed={l.code === ctx.lang ? 'true' : 'false'}
          >
            {l.short}
          </button>
        ))}
      </fieldset>
    </form>
  );
}

/** Page title, optional lead text and actions on the right. */
export function PageHead(props: { title: string; lead?: Child; actions?: Child; crumbs?: Child }) {
  return (
    <>
      {props.crumbs}
      <div class="page-head">
        <div>
          <h1>{props.title}</h1>
          {props.lead && <p class="lead">{props.lead}</p>}
        </div>
        {props.actions && <div class="page-actions">{props.actions}</div>}
      </div>
    </>
  );
}

/** Second-level navigation of a section (e.g. Administration: units, users, tokens). */
export function SubNav({ ctx, entries, label }: { ctx: PageCtx; entries: NavEntry[]; label?: string }) {
  if (entries.length < 2) return null;
  const current = currentEntry(entries, ctx.path);
  return (
    <nav class="subnav" aria-label={label ?? ctx.t.nav.adminSection}>
      <ul>
        {entries.map((e) => (
          <li>
            <a href={e.href} aria-current={e === current ? 'page' : undefined}>
              {ctx.t.nav[e.key]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Tabs of a section whose entries are not navigation data (matrix, approvals): label and href. */
export function Tabs(props: {
  label: string;
  current: string;
  tabs: { href: string; label: string; id: string }[];
}) {
  if (props.tabs.length < 2) return null;
  return (
    <nav class="subnav" aria-label={props.label}>
      <ul>
        {props.tabs.map((tab) => (
          <li>
            <a href={tab.href} aria-current={tab.id === props.current ? 'page' : undefined}>
              {tab.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Breadcrumbs({ ctx, items }: { ctx: PageCtx; items: { label: string; href?: string }[] }) {
  if (items.length === 0) return null;
  return (
    <nav class="breadcrumbs" aria-label={ctx.t.common.breadcrumbs}>
      <ol>
        {items.map((i, n) => (
          <li>
            {i.href && n < items.length - 1 ? (
              <a href={i.href}>{i.label}</a>
            ) : (
              <span aria-current={n === items.length - 1 ? 'page' : undefined}>{i.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
