/**
 * The working calendar that SLA deadlines count in: hours, lunch break, weekly rest days and openings,
 * and for a chosen year the public holidays and swapped working days with their status and source.
 * Administrators at the root add and remove days (each change recounts the deadlines of open tickets).
 */
import type { CalendarBody, CalendarHoliday, CalendarWorkingDay } from '../../domain/calendar.js';
import { Badge, type Tone } from '../components/badge.js';
import { Notice } from '../components/flash.js';
import { CsrfField, type FieldState, FormSummary, SelectField, TextField } from '../components/form.js';
import { Layout, PageHead, SubNav } from '../components/layout.js';
import { formatDate, formatDateTime } from '../format.js';
import type { PageCtx } from '../page-context.js';

const STATUS_TONE: Record<string, Tone> = { official: 'ok', law: 'info', computed: 'warn' };

export interface CalendarPageData {
  body: CalendarBody;
  updatedAt: Date | null;
  year: number;
  years: number[];
  canEdit: boolean;
  /** Which add-form failed, with its values and messages. */
  form?: { which: 'holiday' | 'workingDay'; state: FieldState; message?: string };
}

/** `YYYY-MM-DD` read as a Vietnamese calendar date (no time zone shift: it is already local). */
const dateOf = (iso: string) => new Date(`${iso}T00:00:00Z`);
const dayLabel = (ctx: PageCtx, iso: string) => {
  const d = dateOf(iso);
  // formatDate works in Vietnam time; a UTC midnight is 07:00 there, the same calendar day.
  return `${ctx.t.calendar.weekday[d.getUTCDay()]}, ${formatDate(d, ctx.lang)}`;
};

function DayTable({
  ctx,
  rows,
  kind,
  canEdit,
  year,
}: {
  ctx: PageCtx;
  rows: (CalendarHoliday | CalendarWorkingDay)[];
  kind: 'holidays' | 'working-days';
  canEdit: boolean;
  year: number;
}) {
  const { t, lang } = ctx;
  if (rows.length === 0) return <p class="muted">{t.calendar.none}</p>;
  return (
    <div class="table-wrap">
      <table class="data stack compact">
        <thead>
          <tr>
            <th scope="col">{t.calendar.date}</th>
            <th scope="col">{t.calendar.name}</th>
            <th scope="col">{t.calendar.status}</th>
            <th scope="col">{t.calendar.source}</th>
            {canEdit && <th scope="col">{t.common.actions}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td class="primary nowrap">{dayLabel(ctx, r.date)}</td>
              <td data-label={t.calendar.name} class="wrap">
                {r.name[lang]}
              </td>
              <td data-label={t.calendar.status}>
                <Badge
                  tone={STATUS_TONE[r.status] ?? 'neutral'}
                  label={t.calendar.statusLabel[r.status as keyof typeof t.calendar.statusLabel] ?? r.status}
                />
              </td>
              <td data-label={t.calendar.source} class="wrap small">
                {r.source ?? ''}
              </td>
              {canEdit && (
                <td>
                  <form method="post" action={`/admin/calendar/${kind}/remove`} class="inline-form">
                    <CsrfField ctx={ctx} />
                    <input type="hidden" name="date" value={r.date} />
                    <input type="hidden" name="year" value={String(year)} />
                    <button type="submit" class="btn btn-secondary btn-small">
                      {t.calendar.remove}
                    </button>
                  </form>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AddForm({ ctx, d, which }: { ctx: PageCtx; d: CalendarPageData; which: 'holiday' | 'workingDay' }) {
  const { t } = ctx;
  const mine = d.form?.which === which ? d.form : undefined;
  const state = mine?.state ?? { values: {}, errors: {} };
  const action = which === 'holiday' ? '/admin/calendar/holidays' : '/admin/calendar/working-days';
  const p = which === 'holiday' ? 'h' : 'w';
  const s: FieldState = {
    values: Object.fromEntries(Object.entries(state.values).map(([k, v]) => [`${p}-${k}`, v])),
    errors: Object.fromEntries(Object.entries(state.errors).map(([k, v]) => [`${p}-${k}`, v])),
  };
  return (
    <form method="post" action={action} class="stack" novalidate>
      <CsrfField ctx={ctx} />
      <input type="hidden" name="year" value={String(d.year)} />
      <h3>{which === 'holiday' ? t.calendar.addHoliday : t.calendar.addWorkingDay}</h3>
      <FormSummary ctx={ctx} message={mine?.message} />
      <div class="row">
        <div class="field">
          <label for={`f-${p}-date`}>{t.calendar.date}</label>
          <input
            type="date"
            id={`f-${p}-date`}
            name={`${p}-date`}
            value={s.values[`${p}-date`] ?? ''}
            required
            aria-invalid={s.errors[`${p}-date`] ? 'true' : undefined}
          />
          {s.errors[`${p}-date`] && <span class="error">{s.errors[`${p}-date`]}</span>}
        </div>
        <SelectField
          ctx={ctx}
          state={s}
          name={`${p}-status`}
          label={t.calendar.status}
          required
          options={(which === 'holiday'
            ? (['official', 'law', 'computed'] as const)
            : (['official', 'computed'] as const)
          ).map((v) => ({ value: v, label: t.calendar.statusLabel[v] }))}
        />
      </div>
      <div class="row">
        <TextField
          ctx={ctx}
          state={s}
          name={`${p}-nameVi`}
          label={t.calendar.nameVi}
          required
          maxlength={200}
        />
        <TextField
          ctx={ctx}
          state={s}
          name={`${p}-nameEn`}
          label={t.calendar.nameEn}
          required
          maxlength={200}
        />
      </div>
      <TextField
        ctx={ctx}
        state={s}
        name={`${p}-source`}
        label={t.calendar.source}
        hint={t.calendar.sourceHint}
        maxlength={500}
      />
      <div class="form-actions">
        <button type="submit" class="btn btn-secondary">
          {which === 'holiday' ? t.calendar.addHoliday : t.calendar.addWorkingDay}
        </button>
      </div>
    </form>
  );
}

export function CalendarPage({ ctx, d }: { ctx: PageCtx; d: CalendarPageData }) {
  const { t, lang } = ctx;
  const b = d.body;
  const inYear = <T extends { date: string }>(xs: T[]) =>
    xs.filter((x) => x.date.startsWith(`${d.year}-`)).sort((a, c) => a.date.localeCompare(c.date));
  const ranges = (rs: { from: string; to: string }[]) => rs.map((r) => `${r.from}–${r.to}`).join(', ');
  return (
    <Layout ctx={ctx} title={t.calendar.title}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead
        title={`${t.calendar.title}: ${b.name}`}
        lead={
          <>
            {t.calendar.lead}
            {d.updatedAt && (
              <span class="muted small">{` ${t.calendar.updated(formatDateTime(d.updatedAt, lang))}`}</span>
            )}
          </>
        }
      />
      {!d.canEdit && <Notice kind="info">{t.calendar.readOnly}</Notice>}
      <section class="card">
        <dl class="facts">
          <dt>{t.calendar.hours}</dt>
          <dd>{ranges(b.workingHours)}</dd>
          <dt>{t.calendar.breaks}</dt>
          <dd>{b.breaks.length > 0 ? ranges(b.breaks) : t.calendar.none}</dd>
          <dt>{t.calendar.weekend}</dt>
          <dd>{b.weekend.map((w) => t.calendar.weekday[w]).join(', ') || t.calendar.none}</dd>
          <dt>{t.calendar.openings}</dt>
          <dd>
            {b.weeklyOpenings.length > 0
              ? b.weeklyOpenings.map((o) => `${t.calendar.weekday[o.weekday]} ${ranges(o.hours)}`).join('; ')
              : t.calendar.none}
          </dd>
        </dl>
      </section>
      <form method="get" action="/admin/calendar" class="search">
        <div class="field">
          <label for="cal-year">{t.calendar.year}</label>
          <select id="cal-year" name="year">
            {d.years.map((y) => (
              <option value={String(y)} selected={y === d.year}>
                {String(y)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="btn btn-secondary">
          {t.common.search}
        </button>
      </form>
      <section aria-labelledby="hol-h">
        <h2 id="hol-h">{t.calendar.holidaysIn(d.year)}</h2>
        <DayTable ctx={ctx} rows={inYear(b.holidays)} kind="holidays" canEdit={d.canEdit} year={d.year} />
      </section>
      <section aria-labelledby="wd-h">
        <h2 id="wd-h">{t.calendar.workingDays}</h2>
        <DayTable
          ctx={ctx}
          rows={inYear(b.workingDays)}
          kind="working-days"
          canEdit={d.canEdit}
          year={d.year}
        />
      </section>
      {d.canEdit && (
        <div class="grid">
          <section class="card">
            <AddForm ctx={ctx} d={d} which="holiday" />
          </section>
          <section class="card">
            <AddForm ctx={ctx} d={d} which="workingDay" />
          </section>
        </div>
      )}
      {b.notes && b.notes.length > 0 && (
        <section class="card">
          <h2>{t.calendar.notes}</h2>
          <ul>
            {b.notes.map((n) => (
              <li class="small">{n}</li>
            ))}
          </ul>
        </section>
      )}
    </Layout>
  );
}
