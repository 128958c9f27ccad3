/** Devices: scoped listing with unit codes and open-ticket counts, one device with its inventory. */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Scope } from '../../domain/scope.js';
import { devices, peripheralsSeen, units } from '../schema.js';
import type { Db } from '../store.js';
import { scopeCondition } from './units.js';

export type DeviceRow = typeof devices.$inferSelect;

const openTickets = sql<number>`(SELECT count(*) FROM tickets t WHERE t.device_id = ${devices.id}
  AND t.status NOT IN ('resolved', 'closed'))`;

export interface DeviceWithUnit {
  d: DeviceRow;
  unitCode: string;
  unitPath: string;
  openTickets: number;
}

const columns = { d: devices, unitCode: units.code, unitPath: units.path, openTickets };

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
        opts.underPath ? sql`${units.path} LIKE ${`${opts.underPath.replace(/[%_]/g, '')}%`}` : undefined,
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
