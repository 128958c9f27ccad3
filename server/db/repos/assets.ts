/** Reads of the equipment register and the row → contract mapping shared by the API, the UI and the jobs. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AssetView, SupplierRef } from '../../../shared/schemas/assets.js';
import { assets, suppliers, units } from '../schema.js';
import type { Db } from '../write-model.js';

export type AssetRow = typeof assets.$inferSelect;
export type SupplierRow = typeof suppliers.$inferSelect;

export async function assetById(db: Db, id: string): Promise<AssetRow | undefined> {
  return (await db.select().from(assets).where(eq(assets.id, id)).limit(1))[0];
}

/** By label, regardless of letter case (the unique index is NOCASE). */
export async function assetByTag(db: Db, tag: string): Promise<AssetRow | undefined> {
  return (await db.select().from(assets).where(sql`${assets.assetTag} = ${tag} COLLATE NOCASE`).limit(1))[0];
}

export async function assetOfDevice(db: Db, deviceId: string): Promise<AssetRow | undefined> {
  return (await db.select().from(assets).where(eq(assets.deviceId, deviceId)).limit(1))[0];
}

export async function suppliersByIds(db: Db, ids: readonly string[]): Promise<Map<string, SupplierRow>> {
  const uniq = [...new Set(ids)];
  if (uniq.length === 0) return new Map();
  const rows = await db.select().from(suppliers).where(inArray(suppliers.id, uniq));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function unitNamesOf(db: Db, ids: readonly string[]) {
  const uniq = [...new Set(ids)];
  const out = new Map<string, { code: string; name: string }>();
  for (let i = 0; i < uniq.length; i += 90) {
    const rows = await db
      .select({ id: units.id, code: units.code, name: units.name })
      .from(units)
      .where(inArray(units.id, uniq.slice(i, i + 90)));
    for (const r of rows) out.set(r.id, { code: r.code, name: r.name });
  }
  return out;
}

/** Today's date in Vietnam (UTC+7, no daylight saving): warranty ends at the end of its last day there. */
export function vnDate(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export function warrantyState(until: string | null, now: Date): AssetView['warranty'] {
  if (!until) return 'unknown';
  return until >= vnDate(now) ? 'in_warranty' : 'expired';
}

export function supplierRef(s: SupplierRow | undefined): SupplierRef | null {
  return s ? { id: s.id, name: s.name, phone: s.phone, email: s.email } : null;
}

export function assetView(
  r: AssetRow,
  unit: { code: string; name: string } | undefined,
  supplier: SupplierRow | undefined,
  now: Date,
): AssetView {
  return {
    id: r.id,
    assetTag: r.assetTag,
    unitCode: unit?.code ?? '',
    unitName: unit?.name ?? '',
    kind: r.kind as AssetView['kind'],
    name: r.name,
    manufacturer: r.manufacturer,
    model: r.model,
    serial: r.serial,
    purchasedOn: r.purchasedOn,
    priceVnd: r.priceVnd,
    fundingSource: r.fundingSource,
    warrantyUntil: r.warrantyUntil,
    warranty: warrantyState(r.warrantyUntil, now),
    supplier: supplierRef(supplier),
    status: r.status as AssetView['status'],
    statusSince: r.statusSince.toISOString(),
    deviceId: r.deviceId,
    peripheralRef: r.peripheralRef,
    notes: r.notes,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Views of many rows with one read of their units and suppliers. */
export async function assetViews(db: Db, rows: readonly AssetRow[], now: Date): Promise<AssetView[]> {
  const [unitMap, supMap] = await Promise.all([
    unitNamesOf(
      db,
      rows.map((r) => r.unitId),
    ),
    suppliersByIds(
      db,
      rows.flatMap((r) => (r.supplierId ? [r.supplierId] : [])),
    ),
  ]);
  return rows.map((r) =>
    assetView(r, unitMap.get(r.unitId), r.supplierId ? supMap.get(r.supplierId) : undefined, now),
  );
}

/** The guard of an optimistic change: the asset is still at the version that was read. */
export function assetAtVersion(id: string, version: number) {
  return and(eq(assets.id, id), eq(assets.version, version));
}

/** What a ticket about this asset should say about its warranty (the supplier to call), if in warranty. */
export async function warrantyNote(db: Db, a: AssetRow, now: Date) {
  if (warrantyState(a.warrantyUntil, now) !== 'in_warranty') return null;
  const s = a.supplierId ? (await suppliersByIds(db, [a.supplierId])).get(a.supplierId) : undefined;
  const who = s ? `${s.name}${s.phone ? `, ĐT ${s.phone}` : ''}${s.email ? `, ${s.email}` : ''}` : null;
  return {
    until: a.warrantyUntil!,
    supplier: s ? { id: s.id, name: s.name, phone: s.phone, email: s.email } : null,
    text: who
      ? `Thiết bị còn bảo hành đến ${a.warrantyUntil!.split('-').reverse().join('/')}: liên hệ nhà cung cấp ${who} trước khi sửa.`
      : `Thiết bị còn bảo hành đến ${a.warrantyUntil!.split('-').reverse().join('/')}: liên hệ nhà cung cấp trước khi sửa.`,
  };
}
