/**
 * Text folding for search: lower case, Vietnamese diacritics removed and `đ` read as `d`, so
 * "ba dinh", "BA ĐÌNH" and "Ba Đình" all find "Phường Ba Đình" — people at office PCs often type
 * without a Vietnamese input method.
 */

export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Does `text` contain every word of `query` (folded)? */
export function matchesQuery(text: string, query: string): boolean {
  const hay = fold(text);
  return fold(query)
    .split(' ')
    .filter(Boolean)
    .every((w) => hay.includes(w));
}
