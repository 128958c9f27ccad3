/**
 * The navigation, as data: which sections exist, where they live and which permission shows them.
 * A section is visible when the user holds the permission somewhere (the page itself still checks
 * the unit). Phase-2 sections are listed with `ready: false` so their place and permission are fixed
 * now; flipping `ready` when the page lands is the only change the header needs.
 */
import { type Grant, grantsFor, type Permission } from '../domain/scope.js';
import type { Dict } from './i18n/index.js';

export interface NavEntry {
  key: keyof Dict['nav'];
  href: string;
  /** Paths that belong to this section (for highlighting the current one). */
  prefix: string;
  /** Further path prefixes of the same section (e.g. the ticket pages under the queue). */
  also?: string[];
  /** Any of these permissions held anywhere shows the entry. */
  anyOf: Permission[];
  ready: boolean;
}

export const MAIN_NAV: readonly NavEntry[] = [
  { key: 'home', href: '/', prefix: '/', anyOf: [], ready: true },
  // Everyone who reads tickets sees the list; for IT staff it is their work queue.
  {
    key: 'queue',
    href: '/queue',
    prefix: '/queue',
    also: ['/tickets'],
    anyOf: ['ticket.read'],
    ready: true,
  },
  // Unit heads (and their deputies, whose grants carry the role) decide approvals.
  {
    key: 'approvals',
    href: '/approvals',
    prefix: '/approvals',
    also: ['/deputies'],
    anyOf: ['deputy.write'],
    ready: true,
  },
  { key: 'fleet', href: '/fleet', prefix: '/fleet', anyOf: ['device.read'], ready: true },
  // The equipment register, with compliance, the standard, suppliers and the scan-to-report form.
  {
    key: 'equipment',
    href: '/equipment',
    prefix: '/equipment',
    also: ['/compliance', '/r'],
    anyOf: ['asset.read'],
    ready: true,
  },
  { key: 'matrix', href: '/matrix', prefix: '/matrix', anyOf: ['matrix.read'], ready: true },
  { key: 'reports', href: '/reports', prefix: '/reports', anyOf: ['report.read'], ready: true },
  {
    key: 'admin',
    href: '/admin',
    prefix: '/admin',
    anyOf: ['unit.read', 'user.read', 'enrollment.create'],
    ready: true,
  },
];

export const ADMIN_NAV: readonly NavEntry[] = [
  { key: 'units', href: '/admin/units', prefix: '/admin/units', anyOf: ['unit.read'], ready: true },
  { key: 'users', href: '/admin/users', prefix: '/admin/users', anyOf: ['user.read'], ready: true },
  {
    key: 'enrollment',
    href: '/admin/enrollment',
    prefix: '/admin/enrollment',
    anyOf: ['enrollment.create'],
    ready: true,
  },
  {
    key: 'calendar',
    href: '/admin/calendar',
    prefix: '/admin/calendar',
    anyOf: ['calendar.read'],
    ready: true,
  },
  { key: 'policy', href: '/admin/policy', prefix: '/admin/policy', anyOf: ['policy.read'], ready: true },
];

export function visibleNav(entries: readonly NavEntry[], grants: readonly Grant[]): NavEntry[] {
  return entries.filter(
    (e) => e.ready && (e.anyOf.length === 0 || e.anyOf.some((p) => grantsFor(grants, p).length > 0)),
  );
}

/** The entry the current path belongs to (the longest matching prefix). */
export function currentEntry(entries: readonly NavEntry[], path: string): NavEntry | undefined {
  let best: NavEntry | undefined;
  for (const e of entries) {
    for (const prefix of [e.prefix, ...(e.also ?? [])]) {
      const hit = prefix === '/' ? path === '/' : path === prefix || path.startsWith(`${prefix}/`);
      if (hit && (!best || prefix.length > best.prefix.length)) best = e;
    }
  }
  return best;
}
