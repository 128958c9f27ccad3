/** The supplier list (who sold, who repairs, whom to call under warranty): shared by every unit. */
import { asc, eq } from 'drizzle-orm';
import type { SupplierCreate, SupplierView } from '../../shared/schemas/assets.js';
import type { SupplierRow } from '../db/repos/assets.js';
import { suppliers } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { grantsFor } from '../domain/scope.js';
import { fail } from '../errors.js';
import { newId } from '../security/crypto.js';
import { audit } from './audit.js';
import type { UserPrincipal } from './principal.js';

function view(r: SupplierRow): SupplierView {
  return {
    id: r.id,
    name: r.name,
    phone: r.phone,
    email: r.email,
    taxCode: r.taxCode,
    createdAt: r.createdAt.toISOString(),
  };
}

function requireWriter(p: UserPrincipal) {
  if (grantsFor(p.grants, 'asset.write').length === 0)
    throw fail.forbidden({
      vi: 'Chỉ quản trị viên và cán bộ CNTT được sửa danh sách nhà cung cấp.',
      en: 'Only administrators and IT staff may change the supplier list.',
    });
}

export function requireSupplierReader(p: UserPrincipal) {
  if (grantsFor(p.grants, 'asset.read').length === 0) throw fail.forbidden();
}

export async function listSuppliers(deps: AppDeps, p: UserPrincipal): Promise<{ items: SupplierView[] }> {
  requireSupplierReader(p);
  const rows = await deps.store.read.select().from(suppliers).orderBy(asc(suppliers.name)).limit(1000);
  return { items: rows.map(view) };
}

export async function createSupplier(
  deps: AppDeps,
  p: UserPrincipal,
  input: SupplierCreate,
): Promise<SupplierView> {
  requireWriter(p);
  const row = await deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const r: SupplierRow = {
      id: newId(now.getTime()),
      name: input.name,
      phone: input.phone || null,
      email: input.email ?? null,
      taxCode: input.taxCode ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(suppliers).values(r);
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'supplier.create',
      targetType: 'supplier',
      targetId: r.id,
      data: { ...input },
      ip: p.ip ?? null,
    });
    return r;
  });
  return view(row);
}

export async function updateSupplier(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
  patch: Partial<SupplierCreate>,
): Promise<SupplierView> {
  requireWriter(p);
  await deps.store.write(async (tx) => {
    const now = deps.clock.now();
    const cur = (await tx.select().from(suppliers).where(eq(suppliers.id, id)).limit(1))[0];
    if (!cur)
      throw fail.notFound({ vi: `Không tìm thấy nhà cung cấp ${id}.`, en: `Supplier ${id} not found.` });
    await tx
      .update(suppliers)
      .set({ ...patch, updatedAt: now })
      .where(eq(suppliers.id, id));
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'supplier.update',
      targetType: 'supplier',
      targetId: id,
      data: { ...patch },
      ip: p.ip ?? null,
    });
  });
  const r = (await deps.store.read.select().from(suppliers).where(eq(suppliers.id, id)).limit(1))[0]!;
  return view(r);
}
