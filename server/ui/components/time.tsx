/** Times as people read them (Vietnam time) inside `<time>` elements machines can read (UTC ISO). */
import { countdown, formatDate, formatDateTime, isoOf } from '../format.js';
import type { Lang } from '../i18n/index.js';

export function DateTime({ at, lang, dateOnly }: { at: Date; lang: Lang; dateOnly?: boolean }) {
  return (
    <time datetime={isoOf(at)} class="nowrap">
      {dateOnly ? formatDate(at, lang) : formatDateTime(at, lang)}
    </time>
  );
}

/** "còn 2 giờ 15 phút" / "quá hạn 35 phút", coloured by urgency; the deadline itself in the tooltip. */
export function Countdown({ due, now, lang }: { due: Date; now: Date; lang: Lang }) {
  const c = countdown(due, now, lang);
  return (
    <time datetime={isoOf(due)} class={`nowrap countdown-${c.urgency}`} title={formatDateTime(due, lang)}>
      {c.text}
    </time>
  );
}
