/** The audit trail of administrative changes (who, what, when, from where). Written inside the change's own transaction. */
import { auditEvents } from '../db/schema.js';
import type { Db } from '../db/store.js';
import { newId } from '../security/crypto.js';

export interface AuditInput {
  at: Date;
  actorId: string | null;
  actorKind: 'user' | 'agent' | 'system';
  action: string;
  targetType: string;
  targetId?: string | null;
  data?: Record<string, unknown>;
  ip?: string | null;
}

export async function audit(tx: Db, e: AuditInput): Promise<void> {
  await tx.insert(auditEvents).values({
    id: newId(e.at.getTime()),
    at: e.at,
    actorId: e.actorId,
    actorKind: e.actorKind,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId ?? null,
    data: e.data ?? null,
    ip: e.ip ?? null,
  });
}
