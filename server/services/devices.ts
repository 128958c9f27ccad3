/**
 * Devices as people see them: scoped list, one device with latest reading, peripherals seen, the
 * hardware/software inventory and its change history (ADR 0522), revocation.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Inventory } from '../../shared/schemas/agent.js';
import type { DeviceView, PeripheralInventoryItem } from '../../shared/schemas/devices.js';
import type { PolicyPut } from '../../shared/schemas/policy.js';
import {
  type DeviceWithUnit,
  deviceWithUnit,
  inventoryChangesOf,
  inventoryOf,
  listDevices,
  peripheralsOf,
} from '../db/repos/devices.js';
import { devices } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { peripheralMatches } from '../domain/detection.js';
import type { InventoryChange } from '../domain/inventory-changes.js';
import { allowed, type Permission, scopeOf } from '../domain/scope.js';
import { fail } from '../errors.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { forgetAgentTokens } from './agent-enroll.js';
import { audit } from './audit.js';
import { type DevicePolicyView, devicePolicy, putDevicePolicy } from './policy.js';
import type { UserPrincipal } from './principal.js';
import { unitForCaller } from './units.js';

/** One entry of a device's inventory history (GET /devices/:id `inventoryChanges`, newest first). */
export interface InventoryChangeView extends InventoryChange {
  /** When the inventory that showed the change was taken. */
  at: string;
  /** When the inventory it was compared with was taken. */
  previousAt: string | null;
}

/** How many changes the device view carries. */
export const INVENTORY_CHANGES_SHOWN = 50;

export function deviceView(r: DeviceWithUnit): DeviceView {
  const d = r.d;
  return {
    id: d.id,
    unitCode: r.unitCode,
    hostname: d.hostname,
    hardwareId: d.hardwareId,
    os: d.os,
    agentVersion: d.agentVersion,
    enrolledAt: d.enrolledAt.toISOString(),
    lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
    lastSeq: d.lastSeq,
    reportsReceived: d.reportsReceived,
    status: d.status as DeviceView['status'],
    openTickets: Number(r.openTickets),
    revokedAt: d.revokedAt?.toISOString() ?? null,
  };
}

export async function listDeviceViews(
  deps: AppDeps,
  p: UserPrincipal,
  q: { unit?: string | undefined; status?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const db = deps.store.read;
  const underPath = q.unit ? (await unitForCaller(db, p, q.unit, 'device.read')).path : undefined;
  const after = decodeCursor(q.cursor, 1);
  const rows = await listDevices(db, scopeOf(p.grants, 'device.read'), {
    underPath,
    status: q.status,
    afterId: after ? String(after[0]) : undefined,
    limit: q.limit + 1,
  });
  const more = rows.length > q.limit;
  const slice = more ? rows.slice(0, q.limit) : rows;
  return {
    items: slice.map(deviceView),
    nextCursor: more ? encodeCursor([slice[slice.length - 1]!.d.id]) : null,
  };
}

/** A device the caller may see (404 otherwise, as if it did not exist) and act on (403). */
export async function deviceForCaller(deps: AppDeps, p: UserPrincipal, id: string, permission: Permission) {
  const r = await deviceWithUnit(deps.store.read, id);
  const unit = r ? { id: r.d.unitId, path: r.unitPath } : undefined;
  if (!r || !unit || !allowed(p.grants, 'device.read', unit))
    throw fail.notFound({ vi: `Không tìm thấy máy ${id}.`, en: `Device ${id} not found.` });
  if (!allowed(p.grants, permission, unit)) throw fail.forbidden();
  return r;
}

export async function deviceDetail(deps: AppDeps, p: UserPrincipal, id: string) {
  const r = await deviceForCaller(deps, p, id, 'device.read');
  const db = deps.store.read;
  const [policy, rows, inv, changes] = await Promise.all([
    devicePolicy(deps, r.d),
    peripheralsOf(db, id),
    inventoryOf(db, id),
    inventoryChangesOf(db, id, INVENTORY_CHANGES_SHOWN),
  ]);
  const peripherals: PeripheralInventoryItem[] = rows.map((x) => ({
    kind: x.kind,
    name: x.name,
    vendorId: x.vendorId,
    productId: x.productId,
    serial: x.serial,
    connected: x.connected,
    firstSeenAt: x.firstSeenAt.toISOString(),
    // Rows are rewritten only when the set changes; a connected one was seen in the latest report.
    lastSeenAt: (x.connected && r.d.lastSeenAt ? r.d.lastSeenAt : x.lastSeenAt).toISOString(),
    expectedAs:
      policy.peripherals.expected.find((e) =>
        peripheralMatches(e.match, {
          name: x.name,
          vendorId: x.vendorId ?? undefined,
          productId: x.productId ?? undefined,
          connected: true,
        }),
      )?.label ?? null,
  }));
  const expected = policy.peripherals.expected.map((e) => ({
    kind: e.kind,
    label: e.label,
    present: rows.some((x) =>
      peripheralMatches(e.match, {
        name: x.name,
        vendorId: x.vendorId ?? undefined,
        productId: x.productId ?? undefined,
        connected: x.connected,
      }),
    ),
  }));
  const inventoryChanges: InventoryChangeView[] = changes.map((c) => ({
    at: c.at.toISOString(),
    previousAt: c.previousAt?.toISOString() ?? null,
    component: c.component as InventoryChange['component'],
    change: c.change as InventoryChange['change'],
    ...(c.field ? { field: c.field } : {}),
    ...(c.before !== null && c.before !== undefined ? { before: c.before } : {}),
    ...(c.after !== null && c.after !== undefined ? { after: c.after } : {}),
  }));
  return {
    ...deviceView(r),
    latest: r.d.latest ?? null,
    peripherals,
    expectedPeripherals: expected,
    inventory: (inv?.inventory ?? null) as Inventory | null,
    inventoryAt: inv?.inventoryAt?.toISOString() ?? null,
    inventoryChanges,
  };
}

export async function revokeDevice(deps: AppDeps, p: UserPrincipal, id: string): Promise<DeviceView> {
  await deviceForCaller(deps, p, id, 'device.write');
  await deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const cur = (
      await tx.select({ revokedAt: devices.revokedAt }).from(devices).where(eq(devices.id, id)).limit(1)
    )[0];
    if (!cur || cur.revokedAt) return; // already revoked: revoking again changes nothing
    // Revoked meanwhile → this runs again and finds it revoked (one audit row, not two).
    tx.guard(
      tx
        .update(devices)
        .set({ tokenHash: null, revokedAt: now, updatedAt: now })
        .where(and(eq(devices.id, id), isNull(devices.revokedAt))),
      `device ${id}`,
    );
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'device.revoke',
      targetType: 'device',
      targetId: id,
      ip: p.ip ?? null,
    });
  });
  forgetAgentTokens(deps);
  return deviceView((await deviceWithUnit(deps.store.read, id))!);
}

/** Sets a device's own policy keys; ingest reads them through the agent-token cache, so drop it. */
export async function updateDevicePolicy(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
  put: PolicyPut,
): Promise<DevicePolicyView> {
  const view = await putDevicePolicy(deps, p, id, put);
  forgetAgentTokens(deps);
  return view;
}
