/**
 * A small, runtime-neutral cron matcher (5 fields, or 6 with seconds first) evaluated in a fixed UTC
 * offset (Asia/Ho_Chi_Minh has no DST). The runner uses it to find the latest scheduled moment at or
 * before `now`, so a job runs once per slot however many processes (or Workers cron triggers) ask.
 */

type Field = Set<number>;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function value(s: string, names?: string[], base = 0): number {
  const i = names?.indexOf(s.toLowerCase()) ?? -1;
  if (i >= 0) return i + base;
  if (!/^\d+$/.test(s)) throw new Error(`bad cron value "${s}"`);
  return Number(s);
}

function parseField(
  src: string,
  min: number,
  max: number,
  names?: string[],
  base = 0,
): { set: Field; star: boolean } {
  const set = new Set<number>();
  for (const part of src.split(',')) {
    const [range, stepS] = part.split('/') as [string, string | undefined];
    const step = stepS === undefined ? 1 : value(stepS);
    if (step < 1) throw new Error(`bad cron step "${part}"`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      [lo, hi] = [value(a, names, base), value(b, names, base)];
    } else {
      lo = value(range, names, base);
      hi = stepS === undefined ? lo : max;
    }
    if (lo < min || hi > max || lo > hi) throw new Error(`cron value out of range in "${part}"`);
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return { set, star: src === '*' || src.startsWith('*/') };
}

export interface CronSpec {
  seconds: Field;
  minutes: Field;
  hours: Field;
  dom: Field;
  months: Field;
  dow: Field;
  domStar: boolean;
  dowStar: boolean;
}

export function parseCron(expr: string): CronSpec {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) throw new Error(`cron "${expr}" needs 5 or 6 fields`);
  const [sec, min, hour, dom, mon, dow] = parts.length === 6 ? parts : ['0', ...parts];
  const d = parseField(dow!, 0, 7, DAYS);
  if (d.set.has(7)) d.set.add(0);
  const dm = parseField(dom!, 1, 31);
  return {
    seconds: parseField(sec!, 0, 59).set,
    minutes: parseField(min!, 0, 59).set,
    hours: parseField(hour!, 0, 23).set,
    dom: dm.set,
    months: parseField(mon!, 1, 12, MONTHS, 1).set,
    dow: d.set,
    domStar: dm.star,
    dowStar: d.star,
  };
}

function dayMatches(c: CronSpec, dom: number, dow: number): boolean {
  // Classic cron: when both day fields are restricted, either may match.
  if (!c.domStar && !c.dowStar) return c.dom.has(dom) || c.dow.has(dow);
  return c.dom.has(dom) && c.dow.has(dow);
}

/**
 * The latest instant `<= now` the expression names, looking back at most `lookbackMs` (default 35
 * days, enough for monthly jobs); undefined when there is none in that window.
 */
export function latestMatch(
  c: CronSpec,
  now: Date,
  utcOffsetMinutes = 420,
  lookbackMs = 35 * 86_400_000,
): Date | undefined {
  const off = utcOffsetMinutes * 60_000;
  const localNow = now.getTime() + off;
  const stop = localNow - lookbackMs;
  let minute = Math.floor(localNow / 60_000) * 60_000;
  const secondsDesc = [...c.seconds].sort((a, b) => b - a);
  for (; minute >= stop; minute -= 60_000) {
    const d = new Date(minute);
    if (!c.minutes.has(d.getUTCMinutes()) || !c.hours.has(d.getUTCHours())) continue;
    if (!c.months.has(d.getUTCMonth() + 1) || !dayMatches(c, d.getUTCDate(), d.getUTCDay())) continue;
    for (const s of secondsDesc) {
      const t = minute + s * 1000;
      if (t <= localNow) return new Date(t - off);
    }
  }
  return undefined;
}
