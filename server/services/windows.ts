/**
 * Maintenance windows: declare (admin or scoped IT), list, cancel; and "is this device inside a window
 * now?" for ingest and the jobs. A unit's window covers its devices and those of its subtree.
 * Current windows are cached per process for a few seconds; a write here clears the cache.
 */
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type {
  MaintenanceWindowCreate,
  MaintenanceWindowView,
  Recurrence,
} from '../../shared/schemas/maintenance.js';
import { codesOf, scopeCondition, underPath, unitById } from '../db/repos/units.js';
import { devices, maintenanceWindows, units } from '../db/schema.js';
import type { Db } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import { allowed, scopeOf } from '../domain/scope.js';
import { coversNow, mayCoverFrom } from '../domain/windows.js';
import { fail } from '../errors.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { newId } from '../security/crypto.js';
import { audit } from './audit.js';
import type { UserPrincipal } from './principal.js';
import { unitForCaller } from './units.js';

type WindowRow = typeof maintenanceWindows.$inferSelect;

interface LiveWindow {
  row: WindowRow;
  unitPath: string;
}

const CACHE_MS = 5_000;
const caches = new WeakMap<AppDeps, { at: number; windows: LiveWindow[]; paths: Map<string, string> }>();

export function invalidateWindows(deps: AppDeps): void {
  caches.delete(deps);
}

function times(r: WindowRow) {
  return {
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    recurrence: (r.recurrence as Recurrence | null) ?? null,
    cancelledAt: r.cancelledAt,
  };
}

async function liveWindows(deps: AppDeps, now: Date) {
  const hit = caches.get(deps);
  const wall = Date.now(); // cache freshness is wall-clock time
  if (hit && wall - hit.at < CACHE_MS) return hit;
  const db = deps.store.read;
  const rows = await db
    .select({ w: maintenanceWindows, path: units.path })
    .from(maintenanceWindows)
    .innerJoin(units, eq(units.id, maintenanceWindows.unitId))
    .where(isNull(maintenanceWindows.cancelledAt));
  // Keep windows that could still matter a day back (business clocks in tests move in both directions).
  const from = new Date(now.getTime() - 86_400_000);
  const windows = rows
    .filter((r) => mayCoverFrom(times(r.w), from))
    .map((r) => ({ row: r.w, unitPath: r.path }));
  const paths = new Map(
    (await db.select({ id: units.id, path: units.path }).from(units)).map((u) => [u.id, u.path] as const),
  );
  const v = { at: wall, windows, paths };
  caches.set(deps, v);
  return v;
}

/** Is the device inside a window at `now`? */
export async function deviceInWindow(
  deps: AppDeps,
  dev: { id: string; unitId: string },
  now: Date,
): Promise<boolean> {
  const { windows, paths } = await liveWindows(deps, now);
  if (windows.length === 0) return false;
  const path = paths.get(dev.unitId) ?? '';
  return windows.some(
    (w) =>
      (w.row.deviceId ? w.row.deviceId === dev.id : path.startsWith(w.unitPath)) &&
      coversNow(times(w.row), now),
  );
}

/** Is the whole unit inside a window (a unit-level window on it or an ancestor)? */
export async function unitInWindow(deps: AppDeps, unitId: string, now: Date): Promise<boolean> {
  const { windows, paths } = await liveWindows(deps, now);
  const path = paths.get(unitId) ?? '';
  return windows.some((w) => !w.row.deviceId && path.startsWith(w.unitPath) && coversNow(times(w.row), now));
}

function view(r: WindowRow, unitCode: string, now: Date): MaintenanceWindowView {
  return {
    id: r.id,
    unitCode,
    deviceId: r.deviceId,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    recurrence: (r.recurrence as Recurrence | null) ?? null,
    reason: r.reason,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
    activeNow: coversNow(times(r), now),
  };
}

export async function createWindow(
  deps: AppDeps,
  p: UserPrincipal,
  input: MaintenanceWindowCreate,
): Promise<MaintenanceWindowView> {
  const out = await deps.store.write(async (tx) => {
    const now = deps.clock.now();
    let unitId: string;
    let deviceId: string | null = null;
    if (input.deviceId) {
      const d = (await tx.select().from(devices).where(eq(devices.id, input.deviceId)).limit(1))[0];
      const u = d ? await unitById(tx, d.unitId) : undefined;
      if (!d || !u || !allowed(p.grants, 'device.read', u))
        throw fail.notFound({
          vi: `Không tìm thấy máy ${input.deviceId}.`,
          en: `Device ${input.deviceId} not found.`,
        });
      if (!allowed(p.grants, 'maintenance.write', u)) throw fail.forbidden();
      if (input.unitCode && input.unitCode.toLowerCase() !== u.code.toLowerCase())
        throw fail.invalid(
          { vi: 'Máy không thuộc đơn vị đã nêu.', en: 'The device does not belong to that unit.' },
          [{ path: 'unitCode', message: `device belongs to ${u.code}` }],
        );
      unitId = u.id;
      deviceId = d.id;
    } else {
      unitId = (await unitForCaller(tx, p, input.unitCode!, 'maintenance.write')).id;
    }
    const row: WindowRow = {
      id: newId(now.getTime()),
      unitId,
      deviceId,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      recurrence: (input.recurrence ?? null) as Record<string, unknown> | null,
      reason: input.reason,
      createdBy: p.userId,
      createdAt: now,
      cancelledAt: null,
    };
    await tx.insert(maintenanceWindows).values(row);
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'maintenance_window.create',
      targetType: deviceId ? 'device' : 'unit',
      targetId: deviceId ?? unitId,
      data: { windowId: row.id, ...input },
      ip: p.ip ?? null,
    });
    const code = (await codesOf(tx, [unitId])).get(unitId) ?? '';
    return view(row, code, now);
  });
  invalidateWindows(deps);
  return out;
}

export async function listWindows(
  deps: AppDeps,
  p: UserPrincipal,
  q: {
    unit?: string | undefined;
    deviceId?: string | undefined;
    current: '0' | '1';
    limit: number;
    cursor?: string | undefined;
  },
) {
  const db = deps.store.read;
  const now = deps.clock.now();
  const scope = scopeOf(p.grants, 'device.read');
  let unitFilter: ReturnType<typeof sql> | undefined;
  if (q.unit) {
    const u = await unitForCaller(db, p, q.unit, 'device.read');
    unitFilter = underPath(units.path, u.path);
  }
  const after = decodeCursor(q.cursor, 1);
  const rows = await db
    .select({ w: maintenanceWindows, code: units.code })
    .from(maintenanceWindows)
    .innerJoin(units, eq(units.id, maintenanceWindows.unitId))
    .where(
      and(
        scopeCondition(scope),
        unitFilter,
        q.deviceId ? eq(maintenanceWindows.deviceId, q.deviceId) : undefined,
        after ? lt(maintenanceWindows.id, String(after[0])) : undefined,
        q.current === '1'
          ? and(
              isNull(maintenanceWindows.cancelledAt),
              or(
                sql`${maintenanceWindows.recurrence} IS NOT NULL`,
                sql`${maintenanceWindows.endsAt} > ${now.getTime()}`,
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(maintenanceWindows.id))
    .limit(q.limit + 1);
  const filtered = q.current === '1' ? rows.filter((r) => mayCoverFrom(times(r.w), now)) : rows;
  const more = rows.length > q.limit;
  const slice = filtered.slice(0, q.limit);
  return {
    items: slice.map((r) => view(r.w, r.code, now)),
    nextCursor: more ? encodeCursor([rows[q.limit - 1]!.w.id]) : null,
  };
}

async function windowForCaller(db: Db, p: UserPrincipal, id: string) {
  const r = (
    await db
      .select({ w: maintenanceWindows, unit: units })
      .from(maintenanceWindows)
      .innerJoin(units, eq(units.id, maintenanceWindows.unitId))
      .where(eq(maintenanceWindows.id, id))
      .limit(1)
  )[0];
  if (!r || !allowed(p.grants, 'device.read', r.unit))
    throw fail.notFound({
      vi: `Không tìm thấy khung bảo trì ${id}.`,
      en: `Maintenance window ${id} not found.`,
    });
  return r;
}

export async function getWindow(deps: AppDeps, p: UserPrincipal, id: string): Promise<MaintenanceWindowView> {
  const r = await windowForCaller(deps.store.read, p, id);
  return view(r.w, r.unit.code, deps.clock.now());
}

const alreadyCancelled = () =>
  fail.conflict({
    vi: 'Khung bảo trì này đã bị huỷ.',
    en: 'This maintenance window is already cancelled.',
  });

/** Cancels a window from now on (the record stays for the audit trail). */
export async function cancelWindow(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
): Promise<MaintenanceWindowView> {
  const out = await deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const r = await windowForCaller(tx, p, id);
    if (!allowed(p.grants, 'maintenance.write', r.unit)) throw fail.forbidden();
    if (r.w.cancelledAt) throw alreadyCancelled();
    // Guarded: a cancellation by someone else meanwhile makes this write run again (and answer 409).
    tx.guard(
      tx
        .update(maintenanceWindows)
        .set({ cancelledAt: now })
        .where(and(eq(maintenanceWindows.id, id), isNull(maintenanceWindows.cancelledAt))),
      `window ${id} not cancelled`,
    );
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'maintenance_window.cancel',
      targetType: 'maintenance_window',
      targetId: id,
      ip: p.ip ?? null,
    });
    return view({ ...r.w, cancelledAt: now }, r.unit.code, now);
  });
  invalidateWindows(deps);
  return out;
}
