/**
 * /admin/calendar — the working calendar (the API's `loadCalendar`), and adding or removing a holiday
 * or a swapped working day: the stored calendar with one day changed, validated with the API's
 * `zCalendar` and saved with `putCalendar`, which recounts the deadlines of every open ticket.
 */
import { Hono } from 'hono';
import { zCalendar } from '../../../shared/schemas/calendar.js';
import { rootUnit } from '../../db/repos/units.js';
import type { CalendarBody } from '../../domain/calendar.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { ApiError, fail } from '../../http/problem.js';
import { loadCalendar, putCalendar } from '../../services/calendar.js';
import type { UserPrincipal } from '../../services/principal.js';
import { replayAllLive } from '../../services/ticket-core.js';
import { setFlash } from '../flash.js';
import { type FormFailure, formFailure, text, validateForm } from '../forms.js';
import { pageCtx, signedIn } from '../page-context.js';
import { CalendarPage } from '../pages/calendar.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

type Which = 'holiday' | 'workingDay';

/** The current year in Vietnam, by the app's clock. */
function vnYear(c: UiCtx): number {
  return new Date(c.get('deps').clock.now().getTime() + 7 * 3_600_000).getUTCFullYear();
}

function yearOf(raw: string | undefined | null, fallback: number): number {
  const y = Number(raw);
  return Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : fallback;
}

async function canEdit(c: UiCtx, p: UserPrincipal): Promise<boolean> {
  const root = await rootUnit(c.get('deps').store.read);
  return !!root && allowed(p.grants, 'calendar.write', root);
}

async function page(
  c: UiCtx,
  year: number | undefined,
  form?: { which: Which; values: Record<string, string | undefined>; failure: FormFailure },
) {
  const p = signedIn(c);
  if (grantsFor(p.grants, 'calendar.read').length === 0) throw fail.forbidden();
  const deps = c.get('deps');
  const [cal, ctx, editable] = await Promise.all([loadCalendar(deps.store.read), pageCtx(c), canEdit(c, p)]);
  const thisYear = vnYear(c);
  const years = [
    ...new Set([
      thisYear,
      ...[...cal.body.holidays, ...cal.body.workingDays].map((h) => Number(h.date.slice(0, 4))),
    ]),
  ].sort();
  return render(
    c,
    <CalendarPage
      ctx={ctx}
      d={{
        body: cal.body,
        updatedAt: cal.updatedAt,
        year: year ?? thisYear,
        years,
        canEdit: editable,
        form: form
          ? {
              which: form.which,
              state: { values: form.values, errors: form.failure.fields },
              message: form.failure.message,
            }
          : undefined,
      }}
    />,
    form?.failure.status ?? 200,
  );
}

/** Saves the calendar with `change` applied; the API's schema and `putCalendar` have the last word. */
async function save(c: UiCtx, change: (b: CalendarBody) => CalendarBody) {
  const p = signedIn(c);
  const deps = c.get('deps');
  const cal = await loadCalendar(deps.store.read);
  const body = validateForm(zCalendar, change(structuredClone(cal.body)), c.get('t'), c.get('lang'));
  await putCalendar(deps, p, body, replayAllLive);
}

function dayForm(which: Which) {
  return async (c: UiCtx) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    const p = which === 'holiday' ? 'h' : 'w';
    const year = yearOf(form.get('year'), vnYear(c));
    const values = {
      date: text(form, `${p}-date`),
      nameVi: text(form, `${p}-nameVi`),
      nameEn: text(form, `${p}-nameEn`),
      source: text(form, `${p}-source`),
      status: text(form, `${p}-status`),
    };
    try {
      await save(c, (b) => {
        const list = which === 'holiday' ? b.holidays : b.workingDays;
        if (values.date && list.some((d) => d.date === values.date))
          throw new ApiError('validation_failed', t.common.formHasErrors, {
            errors: [{ path: 'date', message: t.calendar.duplicate }],
            localised: true,
          });
        const day = {
          date: values.date ?? '',
          name: { vi: values.nameVi ?? '', en: values.nameEn ?? '' },
          status: values.status ?? 'official',
          ...(values.source ? { source: values.source } : {}),
        };
        if (which === 'holiday') b.holidays.push(day as CalendarBody['holidays'][number]);
        else b.workingDays.push(day as CalendarBody['workingDays'][number]);
        return b;
      });
      setFlash(c, 'success', 'calendarSaved');
      return c.redirect(`/admin/calendar?year=${Number(values.date?.slice(0, 4)) || year}`, 303);
    } catch (e) {
      const ff = formFailure(e, t, lang);
      if (!ff) throw e;
      // The schema names fields by their place in the whole calendar (`holidays.12.name.vi`).
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(ff.fields)) {
        const leaf = k.split('.').slice(2).join('.');
        const key = leaf === 'name.vi' ? 'nameVi' : leaf === 'name.en' ? 'nameEn' : leaf || k;
        fields[key] = v;
      }
      return page(c, year, { which, values, failure: { ...ff, fields } });
    }
  };
}

function removeDay(which: Which) {
  return async (c: UiCtx) => {
    const form = c.get('form')!;
    const date = text(form, 'date');
    await save(c, (b) => {
      if (which === 'holiday') b.holidays = b.holidays.filter((d) => d.date !== date);
      else b.workingDays = b.workingDays.filter((d) => d.date !== date);
      return b;
    });
    setFlash(c, 'success', 'calendarSaved');
    return c.redirect(`/admin/calendar?year=${yearOf(form.get('year'), vnYear(c))}`, 303);
  };
}

export const calendarPages = new Hono<UiEnv>()
  .get('/admin/calendar', (c) =>
    page(c, c.req.query('year') ? yearOf(c.req.query('year'), 0) || undefined : undefined),
  )
  .post('/admin/calendar/holidays', dayForm('holiday'))
  .post('/admin/calendar/working-days', dayForm('workingDay'))
  .post('/admin/calendar/holidays/remove', removeDay('holiday'))
  .post('/admin/calendar/working-days/remove', removeDay('workingDay'));
