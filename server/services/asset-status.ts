/**
 * Status changes of register entries, recorded with their timeline row — shared by the register
 * itself and by tickets (a resolved repair puts the equipment back in use). Imports no service.
 */
import type { AssetStatus } from '../../shared/enums.js';
import { type AssetRow, assetAtVersion, assetById } from '../db/repos/assets.js';
import { assetEvents, assets } from '../db/schema.js';
import type { WriteTx } from '../db/write-model.js';
import type { AppDeps } from '../deps.js';
import { newId } from '../security/crypto.js';

/** Records a status change (and its timeline row) of an asset read in this write. */
export async function changeAssetStatus(
  tx: WriteTx,
  deps: AppDeps,
  a: AssetRow,
  to: AssetStatus,
  by: { actorId: string | null; note?: string | null; ticketId?: string | null },
): Promise<boolean> {
  if (a.status === to) return false;
  const now = deps.clock.now();
  tx.guard(
    tx
      .update(assets)
      .set({ status: to, statusSince: now, updatedAt: now, version: a.version + 1 })
      .where(assetAtVersion(a.id, a.version)),
    `asset ${a.id} v${a.version}`,
  );
  await tx.insert(assetEvents).values({
    id: newId(now.getTime()),
    assetId: a.id,
    at: now,
    unitId: a.unitId,
    kind: a.kind,
    fromStatus: a.status,
    status: to,
    statusSince: now,
    actorId: by.actorId,
    note: by.note ?? null,
    ticketId: by.ticketId ?? null,
  });
  return true;
}

/**
 * A ticket about an asset was resolved: equipment marked broken or under repair for it is back in use
 * (recorded on its timeline with the ticket). Runs inside the resolving write.
 */
export async function assetRepaired(
  tx: WriteTx,
  deps: AppDeps,
  ticketId: string,
  assetId: string | null,
  actorId: string | null,
) {
  if (!assetId) return;
  const a = await assetById(tx, assetId);
  if (!a || (a.status !== 'broken' && a.status !== 'under_repair')) return;
  await changeAssetStatus(tx, deps, a, 'in_use', { actorId, note: 'phiếu sửa chữa đã khắc phục', ticketId });
}
