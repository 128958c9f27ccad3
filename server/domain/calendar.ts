/**
 * Working-time arithmetic over a root unit's calendar: working hours, breaks, weekly rest days, weekly
 * openings (e.g. Saturday-morning service at one-stop desks), public holidays and swapped working days.
 * Everything that varies by province or year is data in `CalendarBody`; this module only counts.
 * Times are UTC milliseconds; days are evaluated in the calendar's fixed UTC offset (Vietnam has no DST).
 */

export interface TimeRange {
  /** Local time `HH:MM`, inclusive. */
  from: string;
  /** Local time `HH:MM`, exclusive (`24:00` allowed). */
  to: string;
}

export interface Bilingual {
  vi: string;
  en: string;
}

export interface CalendarHoliday {
  /** Local date `YYYY-MM-DD`. */
  date: string;
  name: Bilingual;
  /** `official` = a government decision; `law` = the statute's fixed date; `computed` = proposed by the lunar converter or weekday arithmetic, to be confirmed. */
  status: 'official' | 'law' | 'computed';
  source?: string;
}

export interface CalendarWorkingDay {
  /** A day that would be a rest day but is worked (e.g. a Saturday swapped for a bridge day). */
  date: string;
  name: Bilingual;
  /** Hours of that day; the normal working hours when absent. */
  hours?: TimeRange[];
  status: 'official' | 'computed';
  source?: string;
}

export interface CalendarBody {
  name: string;
  timezone: string;
  /** Offset of local time from UTC in minutes (420 for Asia/Ho_Chi_Minh). */
  utcOffsetMinutes: number;
  /** Hours of an ordinary working day. */
  workingHours: TimeRange[];
  /** Removed from working hours (e.g. a lunch break); data because the rule is local. */
  breaks: TimeRange[];
  /** Weekly rest days, 0 = Sunday … 6 = Saturday. */
  weekend: number[];
  /** Hours worked on a weekly rest day anyway (e.g. Saturday mornings at the one-stop desk). */
  weeklyOpenings: { weekday: number; hours: TimeRange[] }[];
  holidays: CalendarHoliday[];
  workingDays: CalendarWorkingDay[];
  /** Where the defaults come from, shown to the administrator who edits them. */
  notes?: string[];
}

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

/** Minutes after local midnight of `HH:MM`. */
export function parseHm(s: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) throw new Error(`bad time ${s}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Sorted, merged minute intervals of `ranges` minus `cut`. */
function minuteIntervals(ranges: readonly TimeRange[], cut: readonly TimeRange[]): [number, number][] {
  let out: [number, number][] = ranges
    .map((r) => [parseHm(r.from), parseHm(r.to)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const iv of out) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  out = merged;
  for (const c of cut) {
    const [ca, cb] = [parseHm(c.from), parseHm(c.to)];
    const next: [number, number][] = [];
    for (const [a, b] of out) {
      if (cb <= a || ca >= b) next.push([a, b]);
      else {
        if (ca > a) next.push([a, ca]);
        if (cb < b) next.push([cb, b]);
      }
    }
    out = next;
  }
  return out;
}

/** A calendar prepared for counting: day kinds resolved to minute intervals. */
export interface CompiledCalendar {
  offsetMs: number;
  /** Local day number (days since 1970-01-01 local) → intervals, for days that differ from the week. */
  overrides: Map<number, [number, number][]>;
  /** Weekday (0 = Sunday) → intervals of an ordinary week. */
  week: [number, number][][];
  /** No working minute at all in an ordinary week (a broken calendar; counting would never end). */
  empty: boolean;
}

/** Local day number of `YYYY-MM-DD`. */
export function dayNumberOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function isoOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function compileCalendar(body: CalendarBody): CompiledCalendar {
  const normal = minuteIntervals(body.workingHours, body.breaks);
  const week: [number, number][][] = [];
  for (let wd = 0; wd < 7; wd++) {
    if (body.weekend.includes(wd)) {
      const open = body.weeklyOpenings.filter((o) => o.weekday === wd).flatMap((o) => o.hours);
      week.push(minuteIntervals(open, body.breaks));
    } else week.push(normal);
  }
  const overrides = new Map<number, [number, number][]>();
  for (const w of body.workingDays)
    overrides.set(dayNumberOf(w.date), w.hours ? minuteIntervals(w.hours, body.breaks) : normal);
  // A holiday wins over a swapped working day on the same date.
  for (const h of body.holidays) overrides.set(dayNumberOf(h.date), []);
  return {
    offsetMs: body.utcOffsetMinutes * MIN_MS,
    overrides,
    week,
    empty: week.every((d) => d.length === 0),
  };
}

function intervalsOfDay(cal: CompiledCalendar, day: number): [number, number][] {
  const o = cal.overrides.get(day);
  if (o) return o;
  // 1970-01-01 was a Thursday (4).
  return cal.week[(((day + 4) % 7) + 7) % 7]!;
}

/** Local day number containing UTC instant `t`. */
function localDay(cal: CompiledCalendar, t: number): number {
  return Math.floor((t + cal.offsetMs) / DAY_MS);
}

/** UTC instant of local day `day` at `minute` after local midnight. */
function instant(cal: CompiledCalendar, day: number, minute: number): number {
  return day * DAY_MS + minute * MIN_MS - cal.offsetMs;
}

/** Upper bound on how far counting looks ahead: a calendar with years of holidays is broken. */
const MAX_DAYS = 3 * 366;

/**
 * The instant reached after `minutes` of working time counted from `start`. Zero minutes returns
 * `start` itself. Throws when the calendar has no working time in the next three years.
 */
export function addWorkingMinutes(cal: CompiledCalendar, start: number, minutes: number): number {
  if (minutes <= 0) return start;
  let remainingMs = minutes * MIN_MS;
  const first = localDay(cal, start);
  for (let day = first; day < first + MAX_DAYS; day++) {
    for (const [a, b] of intervalsOfDay(cal, day)) {
      const s = Math.max(instant(cal, day, a), start);
      const e = instant(cal, day, b);
      if (e <= s) continue;
      if (e - s >= remainingMs) return s + remainingMs;
      remainingMs -= e - s;
    }
  }
  throw new Error('calendar has no working time ahead');
}

/** Working minutes (fractional) in `[from, to)`; 0 when `to <= from`. */
export function workingMinutesBetween(cal: CompiledCalendar, from: number, to: number): number {
  if (to <= from) return 0;
  let ms = 0;
  const last = localDay(cal, to);
  for (let day = localDay(cal, from); day <= last; day++) {
    for (const [a, b] of intervalsOfDay(cal, day)) {
      const s = Math.max(instant(cal, day, a), from);
      const e = Math.min(instant(cal, day, b), to);
      if (e > s) ms += e - s;
    }
  }
  return ms / MIN_MS;
}

/** Is `t` inside working time? */
export function isWorkingInstant(cal: CompiledCalendar, t: number): boolean {
  const day = localDay(cal, t);
  const minute = (t - instant(cal, day, 0)) / MIN_MS;
  return intervalsOfDay(cal, day).some(([a, b]) => minute >= a && minute < b);
}

/** Is local date `day` (day number) a day with any working time? */
export function isWorkingDay(cal: CompiledCalendar, day: number): boolean {
  return intervalsOfDay(cal, day).length > 0;
}

/** Structural problems of a calendar body (empty = fine), as `{path, message}` for problem+json. */
export function calendarProblems(body: CalendarBody): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const checkRanges = (rs: readonly TimeRange[], path: string) =>
    rs.forEach((r, i) => {
      const a = parseHm(r.from);
      const b = parseHm(r.to);
      if (a >= b) out.push({ path: `${path}.${i}`, message: 'from must be before to' });
      if (b > 24 * 60) out.push({ path: `${path}.${i}.to`, message: 'must be at most 24:00' });
    });
  checkRanges(body.workingHours, 'workingHours');
  checkRanges(body.breaks, 'breaks');
  body.weeklyOpenings.forEach((o, i) => {
    checkRanges(o.hours, `weeklyOpenings.${i}.hours`);
  });
  body.workingDays.forEach((w, i) => {
    if (w.hours) checkRanges(w.hours, `workingDays.${i}.hours`);
  });
  const seen = new Set<string>();
  body.holidays.forEach((h, i) => {
    if (seen.has(h.date)) out.push({ path: `holidays.${i}.date`, message: `${h.date} is listed twice` });
    seen.add(h.date);
  });
  if (out.length === 0 && compileCalendar(body).empty)
    out.push({ path: 'workingHours', message: 'the week has no working time at all' });
  return out;
}
