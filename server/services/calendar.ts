/**
 * The working calendar of the root unit (stored in `calendars`, corrected by administrators as data):
 * loading it compiled for SLA counting, reading and replacing it. Replacing it replays the SLA clocks
 * of every live ticket, so a corrected holiday moves the deadlines it affects.
 */
import { eq } from 'drizzle-orm';
import type { CalendarPut } from '../../shared/schemas/calendar.js';
import { rootUnit } from '../db/repos/units.js';
import { calendars } from '../db/schema.js';
import type { Db, WriteTx } from '../db/store.js';
import type { AppDeps } from '../deps.js';
import {
  type CalendarBody,
  type CompiledCalendar,
  calendarProblems,
  compileCalendar,
} from '../domain/calendar.js';
import { defaultCalendar } from '../domain/calendar-defaults.js';
import { allowed } from '../domain/scope.js';
import { fail } from '../errors.js';
import { audit } from './audit.js';
import type { UserPrincipal } from './principal.js';

export interface LoadedCalendar {
  unitId: string;
  body: CalendarBody;
  compiled: CompiledCalendar;
  updatedAt: Date | null;
}

// Compiling is cheap but not free; keep the last few by (unit, updatedAt) — correct across processes
// because a change always bumps updatedAt.
const cache = new Map<string, CompiledCalendar>();

function compiledFor(unitId: string, updatedAt: Date | null, body: CalendarBody): CompiledCalendar {
  const key = `${unitId}|${updatedAt?.getTime() ?? 'default'}`;
  let c = cache.get(key);
  if (!c) {
    c = compileCalendar(body);
    if (cache.size > 16) cache.clear();
    cache.set(key, c);
  }
  return c;
}

/** The calendar of the root unit; the built-in default until one is stored. */
export async function loadCalendar(db: Db, rootId?: string): Promise<LoadedCalendar> {
  const id = rootId ?? (await rootUnit(db))?.id ?? '';
  const row = (await db.select().from(calendars).where(eq(calendars.unitId, id)).limit(1))[0];
  const body = (row?.body as unknown as CalendarBody | undefined) ?? defaultCalendar();
  const updatedAt = row?.updatedAt ?? null;
  return { unitId: id, body, compiled: compiledFor(id, updatedAt, body), updatedAt };
}

/** Installs the default calendar for a new root (bootstrap). */
export async function installDefaultCalendar(tx: Db, rootId: string, now: Date): Promise<void> {
  await tx
    .insert(calendars)
    .values({
      unitId: rootId,
      body: defaultCalendar() as unknown as Record<string, unknown>,
      updatedAt: now,
      updatedBy: null,
    })
    .onConflictDoNothing();
}

export function calendarView(c: LoadedCalendar, rootCode: string) {
  return { unitCode: rootCode, ...c.body, updatedAt: c.updatedAt?.toISOString() ?? null };
}

/**
 * Replaces the root's calendar (admin at the root) and replays the SLA of every live ticket. A PUT
 * replaces the whole calendar, so it needs no guard of its own: the replay is told the new calendar
 * (it cannot read it back) and records its own guarded ticket writes.
 */
export async function putCalendar(
  deps: AppDeps,
  p: UserPrincipal,
  body: CalendarPut,
  replay: (tx: WriteTx, cal: LoadedCalendar) => Promise<number>,
) {
  const problems = calendarProblems(body);
  if (problems.length > 0)
    throw fail.invalid(
      {
        vi: 'Lịch làm việc không hợp lệ; xem danh sách lỗi trong "errors".',
        en: 'The calendar is not valid; see "errors".',
      },
      problems,
    );
  return deps.store.write(async (tx) => {
    const root = (await rootUnit(tx))!;
    if (!allowed(p.grants, 'calendar.write', root)) throw fail.forbidden();
    const now = deps.clock.now();
    const stored = body as unknown as Record<string, unknown>;
    await tx
      .insert(calendars)
      .values({ unitId: root.id, body: stored, updatedAt: now, updatedBy: p.userId })
      .onConflictDoUpdate({
        target: calendars.unitId,
        set: { body: stored, updatedAt: now, updatedBy: p.userId },
      });
    const cal: LoadedCalendar = {
      unitId: root.id,
      body,
      compiled: compiledFor(root.id, now, body),
      updatedAt: now,
    };
    const replayed = await replay(tx, cal);
    await audit(tx, {
      at: now,
      actorId: p.userId,
      actorKind: 'user',
      action: 'calendar.update',
      targetType: 'unit',
      targetId: root.id,
      data: { holidays: body.holidays.length, workingDays: body.workingDays.length, replayed },
      ip: p.ip ?? null,
    });
    return { ...calendarView(cal, root.code), ticketsReplayed: replayed };
  });
}
