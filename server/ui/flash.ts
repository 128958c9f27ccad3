/**
 * One-shot messages across a post-redirect-get ("Unit added."): a short-lived cookie naming a
 * dictionary message and its arguments. Only known message keys render, and arguments are escaped
 * like any other text, so a forged cookie can at most show one of our own messages.
 */
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { fromBase64Url, toBase64Url } from '../security/crypto.js';
import type { Dict } from './i18n/index.js';
import type { UiCtx } from './ui-env.js';

const COOKIE = 'onestop_flash';

export type FlashKind = 'success' | 'info' | 'error';

/** The messages a flash may carry, each resolved against the reader's dictionary. */
const MESSAGES = {
  signedOut: (t: Dict) => t.auth.signedOut,
  sessionExpired: (t: Dict) => t.auth.sessionExpired,
  signInToContinue: (t: Dict) => t.auth.signInToContinue,
  unitCreated: (t: Dict, a: string[]) => t.units.created(a[0] ?? ''),
  userCreated: (t: Dict, a: string[]) => t.users.created(a[0] ?? ''),
  ticketAction: (t: Dict, a: string[]) => t.ticket.done[a[0] as keyof Dict['ticket']['done']] ?? '',
  ticketCreated: (t: Dict, a: string[]) => t.ticket.created(a[0] ?? ''),
  approved: (t: Dict, a: string[]) => t.approvals.approved(a[0] ?? ''),
  rejected: (t: Dict, a: string[]) => t.approvals.rejected(a[0] ?? ''),
  deputyCreated: (t: Dict) => t.deputies.created,
  deputyRevoked: (t: Dict) => t.deputies.revoked,
  matrixSaved: (t: Dict, a: string[]) => t.matrix.saved(a[0] ?? ''),
  calendarSaved: (t: Dict) => t.calendar.saved,
  deviceRevoked: (t: Dict) => t.fleet.revokedDone,
  windowCreated: (t: Dict) => t.fleet.createdWindow,
  windowCancelled: (t: Dict) => t.fleet.cancelledDone,
  policySaved: (t: Dict) => t.policy.saved,
  devicePolicySaved: (t: Dict) => t.devicePolicy.saved,
  notificationsRead: (t: Dict, a: string[]) => t.notifications.markedAll(Number(a[0] ?? 0)),
  passwordChanged: (t: Dict) => t.account.changed,
  sessionRevoked: (t: Dict) => t.account.revoked,
  sessionsRevoked: (t: Dict, a: string[]) => t.account.revokedOthers(Number(a[0] ?? 0)),
  userNameSaved: (t: Dict, a: string[]) => t.users.nameSaved(a[0] ?? ''),
  passwordReset: (t: Dict, a: string[]) => t.users.resetDone(a[0] ?? ''),
  rolesSaved: (t: Dict, a: string[]) => t.users.rolesSaved(a[0] ?? ''),
  userDisabled: (t: Dict, a: string[]) => t.users.disabledDone(a[0] ?? ''),
  userEnabled: (t: Dict, a: string[]) => t.users.enabledDone(a[0] ?? ''),
  unitSaved: (t: Dict, a: string[]) => t.units.saved(a[0] ?? ''),
  unitArchived: (t: Dict, a: string[]) => t.units.archived(a[0] ?? ''),
} satisfies Record<string, (t: Dict, args: string[]) => string>;

export type FlashKey = keyof typeof MESSAGES;

export interface Flash {
  kind: FlashKind;
  text: string;
}

export function setFlash(c: UiCtx, kind: FlashKind, key: FlashKey, args: string[] = []): void {
  const value = toBase64Url(new TextEncoder().encode(JSON.stringify({ kind, key, args: args.slice(0, 3) })));
  setCookie(c, COOKIE, value, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    maxAge: 120,
    secure: new URL(c.req.url).protocol === 'https:',
  });
}

/** Reads and clears the pending flash, if any. */
export function takeFlash(c: UiCtx, t: Dict): Flash | undefined {
  const raw = getCookie(c, COOKIE);
  if (!raw) return undefined;
  deleteCookie(c, COOKIE, { path: '/' });
  try {
    const v = JSON.parse(new TextDecoder().decode(fromBase64Url(raw))) as {
      kind?: unknown;
      key?: unknown;
      args?: unknown;
    };
    const msg = MESSAGES[v.key as FlashKey] as ((t: Dict, a: string[]) => string) | undefined;
    const kind = v.kind === 'success' || v.kind === 'error' ? v.kind : 'info';
    const args = Array.isArray(v.args) ? v.args.map((a) => String(a).slice(0, 200)) : [];
    const text = msg?.(t, args);
    return text ? { kind, text } : undefined;
  } catch {
    return undefined;
  }
}
