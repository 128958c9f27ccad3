/** Times as people read them (Vietnam time) inside `<time>` elements machines can read (UTC ISO). */
import { countdown, countdownWords, formatDate, formatDateTime, isoOf, SOON_MS } from '../format.js';
import type { Lang } from '../i18n/index.js';

export function DateTime({ at, lang, dateOnly }: { at: Date; lang: Lang; dateOnly?: boolean }) {
  return (
    <time datetime={isoOf(at)} class="nowrap">
      {dateOnly ? formatDate(at, lang) : formatDateTime(at, lang)}
    </time>
  );
}

/**
 * "còn 2 giờ 15 phút" / "quá hạn 35 phút", coloured by urgency; the deadline itself in the tooltip.
 * `data-countdown` lets the page script keep it live (words and clock from `countdownPageAttrs`).
 */
export function Countdown({
  due,
  now,
  lang,
  soonMs = SOON_MS,
}: {
  due: Date;
  now: Date;
  lang: Lang;
  soonMs?: number;
}) {
  const c = countdown(due, now, lang, soonMs);
  return (
    <time
      datetime={isoOf(due)}
      class={`nowrap countdown-${c.urgency}`}
      title={formatDateTime(due, lang)}
      data-countdown=""
      data-soon-ms={String(soonMs)}
    >
      {c.text}
    </time>
  );
}

/**
 * What the script needs, once per page (on `<body>`): the server's "now" the countdowns were rendered
 * at — the script measures time from it, not from the counter PC's own clock, which may be hours
 * off — and the countdown's words in the page's language, taken from the dictionary.
 */
export function countdownPageAttrs(now: Date, lang: Lang): Record<string, string> {
  const w = countdownWords(lang);
  return {
    'data-now': isoOf(now),
    'data-countdown-days': w.days,
    'data-countdown-hours': w.hours,
    'data-countdown-minutes': w.minutes,
    'data-countdown-under-minute': w.lessThanMinute,
    'data-countdown-remaining': w.remaining,
    'data-countdown-overdue': w.overdue,
  };
}
