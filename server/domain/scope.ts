/**
 * Who may do what where — pure functions over role grants and the unit tree.
 *
 * A role is held at a unit. `admin`, `it_staff` and `viewer` reach that unit and its whole subtree;
 * `unit_head` reaches (and approves at) its own unit only. Every route asks `allowed()`; list queries
 * ask `scopeOf()` for the SQL filter — one table decides both, so reads and writes cannot drift apart.
 */
import type { Role } from '../../shared/enums.js';

export interface UnitRef {
  id: string;
  /** Materialised id path `/root/…/self/`. */
  path: string;
}

export interface Grant {
  role: Role;
  unitId: string;
  unitCode: string;
  unitPath: string;
  /** Set when the grant is held as deputy of another user (until `until`). */
  deputyOf?: string;
  until?: Date;
}

export const PERMISSIONS = {
  'unit.read': ['admin', 'it_staff', 'viewer', 'unit_head'],
  'unit.write': ['admin'],
  'user.read': ['admin'],
  'user.write': ['admin'],
  'enrollment.create': ['admin', 'it_staff'],
  'device.read': ['admin', 'it_staff', 'viewer', 'unit_head'],
  'device.write': ['admin', 'it_staff'],
  'policy.read': ['admin', 'it_staff', 'viewer', 'unit_head'],
  'policy.write': ['admin', 'it_staff'],
  'maintenance.write': ['admin', 'it_staff'],
  'ticket.read': ['admin', 'it_staff', 'viewer', 'unit_head'],
  'ticket.create': ['admin', 'it_staff', 'unit_head'],
  'ticket.comment': ['admin', 'it_staff', 'unit_head'],
  'ticket.work': ['admin', 'it_staff'],
  'deputy.write': ['admin', 'unit_head'],
  'matrix.read': ['admin', 'it_staff', 'viewer', 'unit_head'],
  'matrix.write': ['admin'],
  'calendar.read': ['admin', 'it_staff', 'viewer', 'unit_head'],
  'calendar.write': ['admin'],
  'audit.read': ['admin'],
  /** The equipment register: everyone reads their scope; IT staff keep it; a unit head reports a fault. */
  'asset.read': ['admin', 'it_staff', 'viewer', 'unit_head'],
  'asset.write': ['admin', 'it_staff'],
  'asset.report': ['admin', 'it_staff', 'unit_head'],
  'standard.write': ['admin'],
  /** The SLA report: the same readers as tickets, over the same units. */
  'report.read': ['admin', 'it_staff', 'viewer', 'unit_head'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Does this one grant reach `unit`? */
export function grantReaches(g: Pick<Grant, 'role' | 'unitId' | 'unitPath'>, unit: UnitRef): boolean {
  if (g.role === 'unit_head') return g.unitId === unit.id;
  return unit.path.startsWith(g.unitPath);
}

/** May a holder of `grants` exercise `permission` on `unit`? */
export function allowed(grants: readonly Grant[], permission: Permission, unit: UnitRef): boolean {
  const roles: readonly Role[] = PERMISSIONS[permission];
  return grants.some((g) => roles.includes(g.role) && grantReaches(g, unit));
}

/** The grants giving `permission` somewhere (for "may this user do it anywhere at all?"). */
export function grantsFor(grants: readonly Grant[], permission: Permission): Grant[] {
  const roles: readonly Role[] = PERMISSIONS[permission];
  return grants.filter((g) => roles.includes(g.role));
}

export interface Scope {
  /** Subtree prefixes (`/root/…/unit/`) reached entirely. */
  subtrees: string[];
  /** Single units reached (unit_head). */
  units: string[];
}

/** The set of units where `permission` holds, minimised (a subtree inside another is dropped). */
export function scopeOf(grants: readonly Grant[], permission: Permission): Scope {
  const gs = grantsFor(grants, permission);
  const prefixes = [...new Set(gs.filter((g) => g.role !== 'unit_head').map((g) => g.unitPath))].sort();
  const subtrees: string[] = [];
  for (const p of prefixes) if (!subtrees.some((s) => p.startsWith(s))) subtrees.push(p);
  const units = [
    ...new Set(
      gs
        .filter((g) => g.role === 'unit_head' && !subtrees.some((s) => g.unitPath.startsWith(s)))
        .map((g) => g.unitId),
    ),
  ];
  return { subtrees, units };
}

export function scopeIsEmpty(s: Scope): boolean {
  return s.subtrees.length === 0 && s.units.length === 0;
}

export function inScope(s: Scope, unit: UnitRef): boolean {
  return s.units.includes(unit.id) || s.subtrees.some((p) => unit.path.startsWith(p));
}
