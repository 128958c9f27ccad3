/**
 * The versioned equipment standard: the version in force at a moment is the newest whose activation
 * date has come. Until an administrator saves one, the default (version 1, in force since always) is.
 * Versions are never edited; a PUT adds the next one.
 */
import { desc, lte, sql } from 'drizzle-orm';
import type {
  EquipmentStandardBody,
  EquipmentStandardView,
  Requirement,
} from '../../shared/schemas/assets.js';
import { rootUnit } from '../db/repos/units.js';
import { equipmentStandards } from '../db/schema.js';
import type { Db } from '../db/write-model.js';
import type { AppDeps } from '../deps.js';
import { DEFAULT_STANDARD } from '../domain/equipment-standard.js';
import { allowed } from '../domain/scope.js';
import { fail } from '../errors.js';
import { audit } from './audit.js';
import type { UserPrincipal } from './principal.js';

const DEFAULT_VIEW: EquipmentStandardView = {
  version: 1,
  name: DEFAULT_STANDARD.name,
  legalBasis: DEFAULT_STANDARD.legalBasis,
  activatedAt: new Date(0).toISOString(),
  activatedBy: null,
  requirements: DEFAULT_STANDARD.requirements,
};

type Row = typeof equipmentStandards.$inferSelect;

function viewOf(r: Row): EquipmentStandardView {
  const b = r.body as { name: string; legalBasis: string; requirements: Requirement[] };
  return {
    version: r.version,
    name: b.name,
    legalBasis: b.legalBasis,
    activatedAt: r.activatedAt.toISOString(),
    activatedBy: r.createdBy,
    requirements: b.requirements,
  };
}

/** The standard in force at `at`. */
export async function standardAt(db: Db, at: Date): Promise<EquipmentStandardView> {
  const r = (
    await db
      .select()
      .from(equipmentStandards)
      .where(lte(equipmentStandards.activatedAt, at))
      .orderBy(desc(equipmentStandards.activatedAt), desc(equipmentStandards.version))
      .limit(1)
  )[0];
  return r ? viewOf(r) : DEFAULT_VIEW;
}

/** Every version, newest first (the default first saved with the first change). */
export async function standardVersions(db: Db): Promise<EquipmentStandardView[]> {
  const rows = await db.select().from(equipmentStandards).orderBy(desc(equipmentStandards.version));
  return rows.length ? rows.map(viewOf) : [DEFAULT_VIEW];
}

export async function putStandard(
  deps: AppDeps,
  p: UserPrincipal,
  body: EquipmentStandardBody,
): Promise<EquipmentStandardView> {
  const version = await deps.store.write(
    async (tx) => {
      const now = deps.clock.now();
      // The standard applies to every unit, so changing it takes an administrator at the root.
      const root = (await rootUnit(tx))!;
      if (!allowed(p.grants, 'standard.write', root))
        throw fail.forbidden({
          vi: 'Chỉ quản trị viên ở đơn vị gốc được thay đổi tiêu chuẩn trang thiết bị.',
          en: 'Only an administrator at the root unit may change the equipment standard.',
        });
      const activatedAt = body.activatedAt ? new Date(body.activatedAt) : now;
      if (activatedAt.getTime() < now.getTime() - 60_000)
        throw fail.invalid(
          {
            vi: 'Ngày hiệu lực không được ở quá khứ: số liệu đã báo cáo phải tái lập được.',
            en: 'The activation date cannot be in the past: reported figures must stay reproducible.',
          },
          [{ path: 'activatedAt', message: 'không được trước thời điểm hiện tại' }],
        );
      const last = (
        await tx.select({ v: sql<number>`max(${equipmentStandards.version})` }).from(equipmentStandards)
      )[0]?.v;
      let next = (last ?? 0) + 1;
      if (!last) {
        // Keep the default on record as version 1, so the history shows what was in force before.
        await tx.insert(equipmentStandards).values({
          version: 1,
          body: { ...DEFAULT_STANDARD } as unknown as Record<string, unknown>,
          activatedAt: new Date(0),
          createdAt: now,
          createdBy: null,
        });
        next = 2;
      }
      // A concurrent PUT takes the same number: the primary key fails the batch and this one re-runs.
      await tx.insert(equipmentStandards).values({
        version: next,
        body: {
          name: body.name,
          legalBasis: body.legalBasis,
          requirements: body.requirements,
        } as unknown as Record<string, unknown>,
        activatedAt,
        createdAt: now,
        createdBy: p.userId,
      });
      await audit(tx, {
        at: now,
        actorId: p.userId,
        actorKind: 'user',
        action: 'equipment_standard.put',
        targetType: 'equipment_standard',
        targetId: String(next),
        data: { version: next, requirements: body.requirements.map((r) => r.id) },
        ip: p.ip ?? null,
      });
      return next;
    },
    { label: 'standard.put' },
  );
  const rows = await standardVersions(deps.store.read);
  return rows.find((r) => r.version === version)!;
}
