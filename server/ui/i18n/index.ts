/**
 * Language selection and dictionary lookup for the web UI. The language comes from the `lang` cookie
 * (set by the switch in the header), then Accept-Language, then Vietnamese — the same rule as the
 * API's `langOf`, so a person sees one language everywhere.
 */
import type { Lang } from '../../http/problem.js';
import { en } from './en.js';
import { type Dict, vi } from './vi.js';

export type { Dict, Lang };

const DICTS: Record<Lang, Dict> = { vi, en };

export function dict(lang: Lang): Dict {
  return DICTS[lang];
}

/** The languages offered by the switch, each named in its own language (so anyone can find theirs). */
export const LANGUAGES: readonly { code: Lang; label: string; short: string }[] = [
  { code: 'vi', label: 'Tiếng Việt', short: 'VI' },
  { code: 'en', label: 'English', short: 'EN' },
];

export const LANG_COOKIE = 'lang';

export function isLang(v: unknown): v is Lang {
  return v === 'vi' || v === 'en';
}

/**
 * A label for a value that is data rather than code (matrix levels, categories, severities): the
 * dictionary's name when it has one, else the value itself, so a new matrix value still shows.
 */
export function labelOf(map: object, key: string): string {
  const v = (map as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : key;
}
