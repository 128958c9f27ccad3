/** Devices: scoped listing with unit codes and open-ticket counts, one device with its inventory. */
import { and, asc, desc, eq, getTableColumns, gt, sql } from 'drizzle-orm';
import type { Scope } from '../../domain/scope.js';
import { deviceInventoryChanges, devices, peripheralsSeen, units } from '../schema.js';
import type { Db } from '../store.js';
import { scopeCondition, underPath } from './units.js';

/** A device row without its inventory (tens of KiB each: read only for one device, `inventoryOf`). */
export type DeviceRow = Omit<typeof devices.$inferSelect, 'inventory'>;
const { inventory: _inventory, ...deviceColumns } = getTableColumns(devices);

const openTickets = sql<number>`(SELECT count(*) FROM tickets t WHERE t.device_id = ${devices.id}
  AND t.status NOT IN ('resolved', 'closed'))`;

export interface DeviceWithUnit {
  d: DeviceRow;
  unitCode: string;
  unitPath: string;
  openTickets: number;
}

const columns = { d: deviceColumns, unitCode: units.code, unitPath: units.path, openTickets };

export async function listDevices(
  db: Db,
  scope: Scope,
  opts: {
    underPath?: string | undefined;
    status?: string | undefined;
    afterId?: string | undefined;
    limit: number;
  },
): Promise<DeviceWithUnit[]> {
  return db
    .select(columns)
    .from(devices)
    .innerJoin(units, eq(units.id, devices.unitId))
    .where(
      and(
        scopeCondition(scope),
        opts.underPath ? underPath(units.path, opts.underPath) : undefined,
        opts.status ? eq(devices.status, opts.status) : undefined,
        opts.afterId ? gt(devices.id, opts.afterId) : undefined,
      ),
    )
    .orderBy(asc(devices.id))
    .limit(opts.limit);
}

export async function deviceWithUnit(db: Db, id: string): Promise<DeviceWithUnit | undefined> {
  return (
    await db
      .select(columns)
      .from(devices)
      .innerJoin(units, eq(units.id, devices.unitId))
      .where(eq(devices.id, id))
      .limit(1)
  )[0];
}

export async function peripheralsOf(db: Db, deviceId: string) {
  return db
    .select()
    .from(peripheralsSeen)
    .where(eq(peripheralsSeen.deviceId, deviceId))
    .orderBy(asc(peripheralsSeen.kind), asc(peripheralsSeen.name));
}

/** The latest inventory of a device and when it was taken. */
export async function inventoryOf(
  db: Db,
  deviceId: string,
): Promise<{ inventory: Record<string, unknown> | null; inventoryAt: Date | null } | undefined> {
  return (
    await db
      .select({ inventory: devices.inventory, inventoryAt: devices.inventoryAt })
      .from(devices)
      .where(eq(devices.id, deviceId))
      .limit(1)
  )[0];
}

/** A device's inventory changes: newest inventory first, each inventory's changes in their order. */
export async function inventoryChangesOf(db: Db, deviceId: string, limit: number) {
  return db
    .select()
    .from(deviceInventoryChanges)
    .where(eq(deviceInventoryChanges.deviceId, deviceId))
    .orderBy(desc(deviceInventoryChanges.at), asc(deviceInventoryChanges.ord))
    .limit(limit);
}
