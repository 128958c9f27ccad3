/**
 * Small reads and form helpers the equipment pages share (no logic of the register's own: that is in
 * the services). Unit choices for the pickers, names for timelines, today's date in Vietnam, and the
 * step from a service's field error to a message next to the field in the reader's language.
 */
import type { z } from 'zod';
import type { TicketView } from '../../shared/schemas/tickets.js';
import { vnDate } from '../db/repos/assets.js';
import type { Db } from '../db/write-model.js';
import { ApiError, msgIn } from '../http/problem.js';
import type { UserPrincipal } from '../services/principal.js';
import { ticketLabels } from '../services/ticket-queue.js';
import { pickableUnits } from '../services/unit-directory.js';
import { PICKER_MAX, type PickUnit } from './components/equipment.js';
import { type FormFailure, formFailure, validateForm } from './forms.js';
import type { Dict, Lang } from './i18n/index.js';

/** The units a picker offers (the caller's scope), and whether the list had to be cut. */
export async function unitChoices(
  db: Db,
  p: UserPrincipal,
): Promise<{ units: PickUnit[]; truncated: boolean }> {
  const rows = await pickableUnits(db, p, PICKER_MAX + 1);
  return {
    units: rows.slice(0, PICKER_MAX).map((u) => ({ id: u.id, code: u.code, name: u.name, path: u.path })),
    truncated: rows.length > PICKER_MAX,
  };
}

/** Unit code → name and user id → display name, in two reads. */
export async function namesOf(db: Db, unitCodes: readonly string[], userIds: readonly string[]) {
  const views = [...new Set(unitCodes)].map(
    (code) =>
      ({ unitCode: code, assigneeId: null, handler: { unitCode: code } }) as unknown as Pick<
        TicketView,
        'unitCode' | 'assigneeId' | 'handler'
      >,
  );
  return ticketLabels(db, views, [...new Set(userIds)]);
}

/** Today in Vietnam, `YYYY-MM-DD` (the `max`/default of date pickers, the warranty's own rule). */
export function vnToday(now: Date): string {
  return vnDate(now);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` that is a real calendar day. */
export function isDay(v: string | undefined): v is string {
  if (!v || !DAY.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/**
 * Validates with the shared schema after the form's own checks (`custom`: field → message, e.g. an
 * amount that is not one); all problems come back together as one localised 422. `friendly` gives
 * some fields a better word than the schema's generic one (a date, an e-mail address).
 */
export function validateAll<S extends z.ZodType>(
  schema: S,
  value: unknown,
  t: Dict,
  lang: Lang,
  custom: Record<string, string>,
  friendly: Record<string, string> = {},
): z.infer<S> {
  let errors = Object.entries(custom).map(([path, message]) => ({ path, message }));
  try {
    const v = validateForm(schema, value, t, lang);
    if (errors.length === 0) return v;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const seen = new Set(errors.map((x) => x.path));
    const more = (e.extra.errors ?? [])
      .filter((x) => !seen.has(x.path))
      .map((x) => (friendly[x.path] ? { path: x.path, message: friendly[x.path]! } : x));
    errors = [...errors, ...more];
  }
  throw new ApiError('validation_failed', t.common.formHasErrors, { errors, localised: true });
}

/**
 * A service's refusal as a form failure whose field messages are the service's own explanation in
 * the reader's language (services name one field per refusal: its detail is that field's message),
 * and `conflictField` marks the field a conflict is about (a label already used).
 */
export function serviceFailure(
  err: unknown,
  t: Dict,
  lang: Lang,
  opts: { inputCodes?: ('not_found' | 'forbidden')[]; field?: string; conflictField?: string } = {},
): FormFailure | undefined {
  const ff = formFailure(err, t, lang, opts);
  if (!ff || !(err instanceof ApiError)) return ff;
  const fields = { ...ff.fields };
  if (!err.extra.localised) {
    const named = err.extra.errors ?? [];
    if (named.length === 1 && named[0]!.path) fields[named[0]!.path] = msgIn(err.detail, lang);
  }
  if (err.code === 'conflict' && opts.conflictField && Object.keys(fields).length === 0)
    fields[opts.conflictField] = msgIn(err.detail, lang);
  return { ...ff, fields };
}
