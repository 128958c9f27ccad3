/**
 * First start on an empty database: the root unit, the default maintenance matrix for ORG_LEVELS and
 * the `admin` user holding `admin` at the root. One write that first checks for a root, so a second
 * start changes nothing; a second process starting at the same moment loses the unique keys (root code,
 * matrix version 1, `admin`, `installed_at`) at commit, runs again, finds the root and changes nothing.
 * Nothing is read back: every row is built from what this write decided.
 */
import { count } from 'drizzle-orm';
import { matrixVersions, meta, roleGrants, units, users } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { defaultMatrix } from '../domain/matrix.js';
import { hashPassword, newId, randomBytes, toBase64Url } from '../security/crypto.js';
import { audit } from './audit.js';
import { installDefaultCalendar } from './calendar.js';

export interface BootstrapResult {
  created: boolean;
  /** Only when a password was generated: shown once by the entry point, never stored in clear. */
  generatedAdminPassword?: string;
}

export async function bootstrap(deps: AppDeps): Promise<BootstrapResult> {
  const { config, clock } = deps;
  const [{ n }] = (await deps.store.read.select({ n: count() }).from(units)) as [{ n: number }];
  if (n > 0) return { created: false };

  const generated = config.adminPassword ? undefined : toBase64Url(randomBytes(15));
  const password = config.adminPassword ?? generated!;
  // The slow KDF runs before the write, so the single writer is never held by it.
  const passwordHash = await hashPassword(password, config.passwordIterations);

  const created = await deps.store.write(async (tx) => {
    const [{ n: again }] = (await tx.select({ n: count() }).from(units)) as [{ n: number }];
    if (again > 0) return false;
    const now = clock.now();
    const rootId = newId(now.getTime());
    await tx.insert(units).values({
      id: rootId,
      code: config.rootUnitCode,
      name: config.rootUnitName,
      level: config.orgLevels[0]!,
      parentId: null,
      path: `/${rootId}/`,
      depth: 0,
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(matrixVersions).values({
      version: 1,
      body: defaultMatrix(config.orgLevels) as unknown as Record<string, unknown>,
      activatedAt: now,
      activatedBy: null,
    });
    await installDefaultCalendar(tx, rootId, now);
    const adminId = newId(now.getTime());
    await tx.insert(users).values({
      id: adminId,
      username: 'admin',
      displayName: 'Quản trị hệ thống',
      passwordHash,
      // A generated password was printed on a console: the first person to sign in must replace it.
      mustChangePassword: generated !== undefined,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await tx
      .insert(roleGrants)
      .values({ id: newId(now.getTime()), userId: adminId, role: 'admin', unitId: rootId, createdAt: now });
    await tx.insert(meta).values({ key: 'installed_at', value: now.toISOString() });
    await audit(tx, {
      at: now,
      actorId: null,
      actorKind: 'system',
      action: 'install.bootstrap',
      targetType: 'unit',
      targetId: rootId,
      data: { rootUnitCode: config.rootUnitCode, orgLevels: config.orgLevels },
    });
    return true;
  });
  return created ? { created, generatedAdminPassword: generated } : { created: false };
}
