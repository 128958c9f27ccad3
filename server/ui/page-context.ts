/**
 * Everything a page needs to know about the request, gathered once: language and dictionary, the
 * signed-in user with its roles (and the names of the units they are held at), the navigation it may
 * see, the CSRF token, the pending flash message and the clock's "now".
 */

import type { Role } from '../../shared/enums.js';
import { unitNamesByIds } from '../db/repos/unit-tree.js';
import { fail } from '../http/problem.js';
import { unreadCount } from '../services/notifications.js';
import type { UserPrincipal } from '../services/principal.js';
import { type Flash, takeFlash } from './flash.js';
import type { Dict, Lang } from './i18n/index.js';
import { ADMIN_NAV, MAIN_NAV, type NavEntry, visibleNav } from './nav.js';
import type { UiCtx } from './ui-env.js';

export interface PageRole {
  role: Role;
  unitCode: string;
  unitName: string;
  /** Set when held as someone's deputy, until this time. */
  deputyUntil?: Date;
}

export interface PageUser {
  id: string;
  username: string;
  displayName: string;
  roles: PageRole[];
}

export interface PageCtx {
  lang: Lang;
  t: Dict;
  csrf: string;
  /** The request's path (no query), for highlighting navigation. */
  path: string;
  /** Path and query, for "come back here after signing in". */
  url: string;
  now: Date;
  requestId: string;
  user?: PageUser;
  nav: NavEntry[];
  adminNav: NavEntry[];
  flash?: Flash;
  /** Unread notifications of the signed-in user (shown in the header). */
  unread: number;
}

export async function pageCtx(c: UiCtx): Promise<PageCtx> {
  const t = c.get('t');
  const p = c.get('principal');
  const url = new URL(c.req.url);
  const base = {
    lang: c.get('lang'),
    t,
    csrf: c.get('csrf'),
    path: url.pathname,
    url: url.pathname + url.search,
    now: c.get('deps').clock.now(),
    requestId: c.get('requestId'),
    flash: takeFlash(c, t),
  };
  if (!p) return { ...base, nav: [], adminNav: [], unread: 0 };
  const [user, unread] = await Promise.all([pageUser(c, p), unreadCount(c.get('deps').store.read, p.userId)]);
  return {
    ...base,
    user,
    unread,
    nav: visibleNav(MAIN_NAV, p.grants),
    adminNav: visibleNav(ADMIN_NAV, p.grants),
  };
}

async function pageUser(c: UiCtx, p: UserPrincipal): Promise<PageUser> {
  const names = await unitNamesByIds(
    c.get('deps').store.read,
    p.grants.map((g) => g.unitId),
  );
  return {
    id: p.userId,
    username: p.username,
    displayName: p.displayName,
    roles: p.grants.map((g) => ({
      role: g.role,
      unitCode: g.unitCode,
      unitName: names.get(g.unitId) ?? g.unitCode,
      deputyUntil: g.deputyOf ? g.until : undefined,
    })),
  };
}

/** The signed-in user, or a 401 that the UI turns into a redirect to the sign-in page. */
export function signedIn(c: UiCtx): UserPrincipal {
  const p = c.get('principal');
  if (!p) throw fail.unauthenticated();
  return p;
}
