/**
 * Lists: one table component (header row, optional caption, stacked as cards on phones through
 * `data-label`) and keyset pagination links. Pages hand it columns and rows; it never fetches.
 */
import type { Child } from 'hono/jsx';
import type { PageCtx } from '../page-context.js';

export interface Column<R> {
  header: string;
  cell: (row: R) => Child;
  /** `primary` (the row's title on phones), `num` (right-aligned figures), `wrap` (long text). */
  class?: string;
}

export function DataTable<R>(props: {
  ctx: PageCtx;
  columns: Column<R>[];
  rows: R[];
  caption?: string;
  /** Keyset paging under the table (`Pager`; its count is the rows shown). */
  page?: PageLinks;
  id?: string;
  /** A class for a row (e.g. a disabled account shown muted). */
  rowClass?: (row: R) => string | undefined;
}) {
  return (
    <div class="table-wrap" id={props.id}>
      <table class="data stack">
        {props.caption && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" class={c.class?.includes('num') ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr class={props.rowClass?.(r)}>
              {props.columns.map((c) => (
                <td class={c.class} data-label={c.class?.includes('primary') ? undefined : c.header}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {props.page && <Pager ctx={props.ctx} {...props.page} count={props.rows.length} />}
    </div>
  );
}

/**
 * "First page" and "Next page" links for keyset pagination. `params` are the list's filters, kept
 * on both links; `cursor` is the current page's cursor (absent on the first page).
 */
/** Where a list's pages are: its URL, the filters to keep, this page's cursor and the next one's. */
export interface PageLinks {
  base: string;
  params?: Record<string, string | undefined>;
  cursor?: string;
  nextCursor: string | null;
  /** The query parameter carrying the cursor (a page with two lists gives each its own). */
  param?: string;
}

export function Pager(props: PageLinks & { ctx: PageCtx; count: number }) {
  const { t } = props.ctx;
  const href = (cursor?: string) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(props.params ?? {})) if (v) q.set(k, v);
    if (cursor) q.set(props.param ?? 'cursor', cursor);
    const s = q.toString();
    return s ? `${props.base}?${s}` : props.base;
  };
  if (!props.cursor && !props.nextCursor) {
    return (
      <div class="pager">
        <span>{t.common.itemsOnPage(props.count)}</span>
      </div>
    );
  }
  return (
    <nav class="pager" aria-label={t.common.pagination}>
      <span>{t.common.itemsOnPage(props.count)}</span>
      <span class="links">
        {props.cursor && (
          <a class="btn btn-secondary btn-small" href={href()}>
            {`« ${t.common.firstPage}`}
          </a>
        )}
        {props.nextCursor && (
          <a class="btn btn-secondary btn-small" href={href(props.nextCursor)} rel="next">
            {`${t.common.nextPage} »`}
          </a>
        )}
      </span>
    </nav>
  );
}
