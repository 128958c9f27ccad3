/** Opaque keyset cursors: base64url JSON of the last item's sort key, validated on the way back in. */
import { fromBase64Url, toBase64Url } from '../security/crypto.js';
import { ApiError } from './problem.js';

export function encodeCursor(key: readonly (string | number)[]): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(key)));
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const v = JSON.parse(new TextDecoder().decode(fromBase64Url(cursor))) as unknown;
    if (
      Array.isArray(v) &&
      v.length === arity &&
      v.every((x) => typeof x === 'string' || typeof x === 'number')
    )
      return v as (string | number)[];
  } catch {
    // fall through to the error below
  }
  throw new ApiError(
    'validation_failed',
    {
      vi: 'Con trỏ phân trang không hợp lệ; hãy dùng nextCursor của trang trước.',
      en: 'Invalid cursor; use the nextCursor of the previous page.',
    },
    { errors: [{ path: 'cursor', message: 'invalid cursor' }] },
  );
}

/** Builds `{items, nextCursor}` from a query that fetched `limit + 1` rows. */
export function page<R, T>(
  rows: R[],
  limit: number,
  view: (r: R) => T,
  keyOf: (r: R) => (string | number)[],
) {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return {
    items: slice.map(view),
    nextCursor: more ? encodeCursor(keyOf(slice[slice.length - 1]!)) : null,
  };
}
