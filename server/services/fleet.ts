/**
 * The fleet at a glance: for a unit and each of its sub-units, how many enrolled devices are ok,
 * degraded, silent or in maintenance (over the whole subtree) and how many tickets are open there —
 * within the caller's scope, by the same `scopeOf` as GET /devices and GET /tickets. Two grouped
 * queries (devices by unit and status, live tickets by unit), rolled up the tree in memory: units
 * number in the hundreds, devices in the low thousands.
 */
import { and, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DeviceStatus } from '../../shared/enums.js';
import type { TicketView } from '../../shared/schemas/tickets.js';
import { allUnitsInScope } from '../db/repos/unit-tree.js';
import { scopeCondition, type UnitRow, underPath } from '../db/repos/units.js';
import { devices, tickets, units } from '../db/schema.js';
import type { Db } from '../db/store.js';
import { scopeOf } from '../domain/scope.js';
import type { UserPrincipal } from './principal.js';
import { LIVE_SQL } from './ticket-queue.js';
import { ticketViews, visibleCondition } from './tickets.js';

export interface Health {
  ok: number;
  degraded: number;
  silent: number;
  maintenance: number;
  devices: number;
  openTickets: number;
}

export interface UnitHealth {
  unit: UnitRow;
  /** Sub-units below it (for "open this unit"). */
  childCount: number;
  health: Health;
}

const empty = (): Health => ({ ok: 0, degraded: 0, silent: 0, maintenance: 0, devices: 0, openTickets: 0 });

/** Worst first: silent, then degraded devices, then open tickets; then by code. */
function worse(a: UnitHealth, b: UnitHealth): number {
  return (
    b.health.silent - a.health.silent ||
    b.health.degraded - a.health.degraded ||
    b.health.openTickets - a.health.openTickets ||
    a.unit.code.localeCompare(b.unit.code)
  );
}

/**
 * Health of `parent`'s subtree and of each of its direct sub-units in scope, worst first.
 * `problemsOnly` keeps the sub-units with a silent or degraded device or an open ticket.
 */
export async function fleetHealth(
  db: Db,
  p: UserPrincipal,
  parent: UnitRow,
  opts: { problemsOnly?: boolean } = {},
): Promise<{ total: Health; children: UnitHealth[] }> {
  const deviceScope = scopeOf(p.grants, 'device.read');
  const under = underPath(units.path, parent.path);
  const [inScope, byStatus, live] = await Promise.all([
    allUnitsInScope(db, deviceScope),
    db
      .select({ unitId: devices.unitId, status: devices.status, n: count() })
      .from(devices)
      .innerJoin(units, eq(units.id, devices.unitId))
      .where(and(isNull(devices.revokedAt), under, scopeCondition(deviceScope)))
      .groupBy(devices.unitId, devices.status),
    db
      .select({ unitId: tickets.unitId, n: count() })
      .from(tickets)
      .innerJoin(units, eq(units.id, tickets.unitId))
      // Tickets of the units in scope (not those merely waiting for the caller's approval elsewhere).
      .where(and(LIVE_SQL, under, scopeCondition(scopeOf(p.grants, 'ticket.read'))))
      .groupBy(tickets.unitId),
  ]);
  const pathOf = new Map(inScope.map((u) => [u.id, u.path]));
  const children = inScope.filter((u) => u.parentId === parent.id);
  const childOf = (unitId: string): UnitRow | undefined => {
    const path = pathOf.get(unitId);
    return path ? children.find((c) => path.startsWith(c.path)) : undefined;
  };
  const total = empty();
  const health = new Map(children.map((c) => [c.id, empty()]));
  for (const r of byStatus) {
    const n = Number(r.n);
    const status = r.status as DeviceStatus;
    for (const h of [total, health.get(childOf(r.unitId)?.id ?? '')]) {
      if (!h) continue;
      h[status] += n;
      h.devices += n;
    }
  }
  for (const r of live) {
    total.openTickets += Number(r.n);
    const h = health.get(childOf(r.unitId)?.id ?? '');
    if (h) h.openTickets += Number(r.n);
  }
  const grandchildren = new Map<string, number>();
  for (const u of inScope)
    if (u.parentId) grandchildren.set(u.parentId, (grandchildren.get(u.parentId) ?? 0) + 1);
  let rows = children.map((c) => ({
    unit: c,
    childCount: grandchildren.get(c.id) ?? 0,
    health: health.get(c.id)!,
  }));
  if (opts.problemsOnly)
    rows = rows.filter((r) => r.health.silent + r.health.degraded + r.health.openTickets > 0);
  return { total, children: rows.sort(worse) };
}

/** Health of everything the caller may see (the home page's fleet panel). */
export async function fleetTotals(db: Db, p: UserPrincipal): Promise<Health> {
  const scope = scopeOf(p.grants, 'device.read');
  const rows = await db
    .select({ status: devices.status, n: count() })
    .from(devices)
    .innerJoin(units, eq(units.id, devices.unitId))
    .where(and(isNull(devices.revokedAt), scopeCondition(scope)))
    .groupBy(devices.status);
  const h = empty();
  for (const r of rows) {
    h[r.status as DeviceStatus] += Number(r.n);
    h.devices += Number(r.n);
  }
  return h;
}

/** Tickets of one device, live ones first then newest (the device page's list), within the caller's view. */
export async function deviceTickets(
  db: Db,
  p: UserPrincipal,
  deviceId: string,
  limit = 20,
): Promise<TicketView[]> {
  const rows = await db
    .select({ t: tickets })
    .from(tickets)
    .innerJoin(units, eq(units.id, tickets.unitId))
    .where(and(eq(tickets.deviceId, deviceId), visibleCondition(p)))
    .orderBy(
      sql`CASE WHEN ${tickets.status} IN ('resolved', 'closed') THEN 1 ELSE 0 END`,
      sql`${tickets.createdAt} DESC`,
    )
    .limit(limit);
  return ticketViews(
    db,
    rows.map((r) => r.t),
  );
}

/** Host names of devices by id (for lists that name devices, e.g. maintenance windows). */
export async function hostnamesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const uniq = [...new Set(ids)].filter(Boolean);
  if (uniq.length === 0) return new Map();
  const rows = await db
    .select({ id: devices.id, hostname: devices.hostname })
    .from(devices)
    .where(inArray(devices.id, uniq));
  return new Map(rows.map((r) => [r.id, r.hostname]));
}
