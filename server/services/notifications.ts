/**
 * In-app notifications: one row per person per thing to know (an escalation, an approval waiting,
 * an assignment). Written inside the change's own write; delivery channels (mail, chat) come
 * later and read the same rows.
 */
import { and, count, desc, eq, inArray, isNull, lt, or, type SQL } from 'drizzle-orm';
import { notifications } from '../db/schema.js';
import type { Db, Store } from '../db/store.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { newId } from '../security/crypto.js';

export type NotificationKind =
  | 'assigned'
  | 'approval_requested'
  | 'approval_overdue'
  | 'approval_decided'
  | 'sla_escalated';

/** Adds the same notification for each user (deduplicated). */
export async function notify(
  tx: Db,
  userIds: readonly string[],
  n: { kind: NotificationKind; ticketId: string | null; at: Date; data: Record<string, unknown> },
): Promise<number> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return 0;
  await tx.insert(notifications).values(
    ids.map((userId) => ({
      id: newId(n.at.getTime()),
      userId,
      ticketId: n.ticketId,
      kind: n.kind,
      at: n.at,
      data: n.data,
    })),
  );
  return ids.length;
}

export interface NotificationView {
  id: string;
  kind: string;
  ticketId: string | null;
  at: string;
  data: Record<string, unknown> | null;
  readAt: string | null;
}

export async function listNotifications(
  db: Db,
  userId: string,
  q: { unread?: boolean; limit: number; cursor?: string },
): Promise<{ items: NotificationView[]; nextCursor: string | null; unread: number }> {
  const after = decodeCursor(q.cursor, 2);
  const conds: (SQL | undefined)[] = [eq(notifications.userId, userId)];
  if (q.unread) conds.push(isNull(notifications.readAt));
  if (after)
    conds.push(
      or(
        lt(notifications.at, new Date(Number(after[0]))),
        and(eq(notifications.at, new Date(Number(after[0]))), lt(notifications.id, String(after[1]))),
      ),
    );
  const rows = await db
    .select()
    .from(notifications)
    .where(and(...conds))
    .orderBy(desc(notifications.at), desc(notifications.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const slice = more ? rows.slice(0, q.limit) : rows;
  const [unread] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  const last = slice[slice.length - 1];
  return {
    items: slice.map((r) => ({
      id: r.id,
      kind: r.kind,
      ticketId: r.ticketId,
      at: r.at.toISOString(),
      data: r.data ?? null,
      readAt: r.readAt?.toISOString() ?? null,
    })),
    nextCursor: more && last ? encodeCursor([last.at.getTime(), last.id]) : null,
    unread: unread?.n ?? 0,
  };
}

/**
 * Marks the caller's own notifications read: the given ids, or all of them. Returns how many changed,
 * counted from the committed update's own RETURNING rows (known once the write has committed).
 */
export async function markRead(
  store: Store,
  userId: string,
  now: Date,
  ids: readonly string[] | 'all',
): Promise<number> {
  const where = and(
    eq(notifications.userId, userId),
    isNull(notifications.readAt),
    ids === 'all' ? undefined : inArray(notifications.id, [...ids]),
  );
  const marked = await store.write(
    async (tx) =>
      tx.returning<{ id: string }>(
        tx.update(notifications).set({ readAt: now }).where(where).returning({ id: notifications.id }),
      ),
    { label: 'notifications.read' },
  );
  return marked.rows.length;
}

/** How many of the user's notifications are unread (for the header on every page: one indexed count). */
export async function unreadCount(db: Db, userId: string): Promise<number> {
  const [r] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(r?.n ?? 0);
}

/** The ticket a notification of this user is about (undefined: not theirs, or no such notification). */
export async function notificationTarget(
  db: Db,
  userId: string,
  id: string,
): Promise<{ ticketId: string | null } | undefined> {
  const rows = await db
    .select({ ticketId: notifications.ticketId })
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .limit(1);
  return rows[0];
}
