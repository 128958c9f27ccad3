/**
 * How numbers, money and times read in the UI: VND with thousands separators, dates and times in
 * Asia/Ho_Chi_Minh whatever the server's own zone, and SLA-style countdowns. Pure functions over Intl;
 * the words come from the dictionaries.
 */
import { dict, type Lang } from './i18n/index.js';

export const UI_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const LOCALE: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };

// Intl formatters are costly to build and immutable once built: one per language.
const numberFmt = {
  vi: new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }),
  en: new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }),
};
const vndFmt = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' });
const integerEn = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Vietnam keeps UTC+7 all year (no daylight saving since 1975), so wall-clock fields are plain
 * arithmetic — exact, and far cheaper than Intl's formatToParts on pages with a hundred timestamps.
 */
const VN_OFFSET_MS = 7 * 3_600_000;

/** English short month names, taken from Intl once. */
const EN_MONTHS = Array.from({ length: 12 }, (_, i) =>
  new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' }).format(Date.UTC(2020, i, 15)),
);

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `1.500.000 ₫` in Vietnamese, `1,500,000 VND` in English (no-break space before the currency). */
export function formatVnd(amount: number, lang: Lang): string {
  if (lang === 'vi') return vndFmt.format(amount);
  return `${integerEn.format(amount)}\u00a0VND`;
}

export function formatNumber(n: number, lang: Lang): string {
  return numberFmt[lang].format(n);
}

function parts(d: Date) {
  const v = new Date(d.getTime() + VN_OFFSET_MS);
  return {
    year: v.getUTCFullYear(),
    month: v.getUTCMonth(),
    day: v.getUTCDate(),
    hour: two(v.getUTCHours()),
    minute: two(v.getUTCMinutes()),
  };
}

/** `02/03/2026 14:05` (vi) or `2 Mar 2026, 14:05` (en), in Vietnam time. */
export function formatDateTime(d: Date, lang: Lang): string {
  const p = parts(d);
  return lang === 'vi'
    ? `${two(p.day)}/${two(p.month + 1)}/${p.year} ${p.hour}:${p.minute}`
    : `${p.day} ${EN_MONTHS[p.month]} ${p.year}, ${p.hour}:${p.minute}`;
}

/** `02/03/2026` (vi) or `2 Mar 2026` (en), in Vietnam time. */
export function formatDate(d: Date, lang: Lang): string {
  const p = parts(d);
  return lang === 'vi'
    ? `${two(p.day)}/${two(p.month + 1)}/${p.year}`
    : `${p.day} ${EN_MONTHS[p.month]} ${p.year}`;
}

/** The ISO string for `<time datetime>`: machines read UTC, people read the formatted text. */
export function isoOf(d: Date): string {
  return d.toISOString();
}

/** A duration in words, its two largest units: `2 ngày 3 giờ`, `45 phút`, `1 h 5 min`. */
export function formatDuration(ms: number, lang: Lang): string {
  const t = dict(lang).time;
  const totalMin = Math.floor(Math.abs(ms) / 60_000);
  if (totalMin < 1) return t.lessThanMinute;
  const days = Math.floor(totalMin / 1440);
  const hours = Math.floor((totalMin % 1440) / 60);
  const minutes = totalMin % 60;
  const bits: string[] = [];
  if (days > 0) bits.push(t.days(days));
  if (hours > 0) bits.push(t.hours(hours));
  if (minutes > 0 && days === 0) bits.push(t.minutes(minutes));
  return bits.slice(0, 2).join(' ');
}

export type Urgency = 'overdue' | 'soon' | 'ok';

export interface Countdown {
  /** Milliseconds until `due`; negative once it has passed. */
  msLeft: number;
  urgency: Urgency;
  /** `còn 2 giờ 15 phút` / `quá hạn 35 phút`; `2 h 15 min left` / `35 min overdue`. */
  text: string;
}

/** The last stretch before a deadline that a countdown shows as "soon" (amber). */
export const SOON_MS = 3_600_000;

/**
 * Wall-clock countdown to a deadline, for SLA badges. `soonMs` (default one hour) marks the last
 * stretch before the deadline; working-hours SLA maths belongs to the ticket domain, not here.
 * `assets/script.ts` repeats these rules in the browser (with the words from `countdownWords`) to keep
 * an open page's countdowns live: change one, change the other (test/e2e/countdown.test.ts holds them equal).
 */
export function countdown(due: Date, now: Date, lang: Lang, soonMs = SOON_MS): Countdown {
  const msLeft = due.getTime() - now.getTime();
  const t = dict(lang).time;
  const d = formatDuration(msLeft, lang);
  if (msLeft < 0) return { msLeft, urgency: 'overdue', text: t.overdue(d) };
  return { msLeft, urgency: msLeft <= soonMs ? 'soon' : 'ok', text: t.remaining(d) };
}

/** A countdown's words as templates for the page script: `{n}` stands for a number, `{d}` for a duration. */
export interface CountdownWords {
  days: string;
  hours: string;
  minutes: string;
  lessThanMinute: string;
  remaining: string;
  overdue: string;
}

/** A number no dictionary writes by itself, to find where a word function puts its argument. */
const PROBE = 987_654_321;

/**
 * `(n) => n + ' giờ'` → `{n} giờ`. Throws (at first render, so every page test fails) if the function
 * is not a plain template of its number, e.g. if it ever chose a plural form or formatted the number.
 */
function templateOf(fn: (n: number) => string): string {
  const parts = fn(PROBE).split(String(PROBE));
  if (parts.length !== 2) throw new Error('countdown words must be plain templates of their number');
  return parts.join('{n}');
}

function wrapperOf(fn: (d: string) => string): string {
  const out = fn('{d}');
  if (out.split('{d}').length !== 2) throw new Error('countdown words must contain the duration once');
  return out;
}

const wordsCache: Partial<Record<Lang, CountdownWords>> = {};

/** Derived once per language from the dictionary, so the script never carries words of its own. */
export function countdownWords(lang: Lang): CountdownWords {
  const cached = wordsCache[lang];
  if (cached) return cached;
  const t = dict(lang).time;
  const words = {
    days: templateOf(t.days),
    hours: templateOf(t.hours),
    minutes: templateOf(t.minutes),
    lessThanMinute: t.lessThanMinute,
    remaining: wrapperOf(t.remaining),
    overdue: wrapperOf(t.overdue),
  };
  wordsCache[lang] = words;
  return words;
}

/** The BCP 47 locale the UI uses for a language (for `Intl` calls in page code). */
export function localeOf(lang: Lang): string {
  return LOCALE[lang];
}
