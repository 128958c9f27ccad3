/**
 * The maintenance matrix drawn as tables, one per level: rows are category × severity, columns are
 * cost bands; each cell names the rule that covers it, who handles and how many approvals it needs —
 * or, highlighted, that no rule or several rules cover it (the validator's gaps and overlaps).
 */
import type { Matrix, MatrixPlace, MatrixRule } from '../../../shared/schemas/matrix.js';
import { bandRange } from '../../domain/matrix-explain.js';
import { coverageGrid, type GridCell } from '../../domain/matrix-grid.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

/** A place a rule names (`it_staff` at `level:city`) in the reader's words, short or long. */
export function placeText(ctx: PageCtx, p: MatrixPlace, short = false): string {
  const { t } = ctx;
  const at = short ? t.matrix.atShort : t.matrix.at;
  const where =
    p.at === 'self' || p.at === 'parent' || p.at === 'root'
      ? at[p.at]
      : p.at.startsWith('level:')
        ? at.level(labelOf(t.levels, p.at.slice(6)))
        : p.at;
  return (short ? t.matrix.placeShort : t.matrix.place)(labelOf(t.roles, p.role), where);
}

export const ruleHref = (id: string, version?: number) =>
  `/matrix/rules${version !== undefined ? `?version=${version}` : ''}#rule-${encodeURIComponent(id)}`;

/** Cells that cannot be drawn readably (a matrix this large is read through its lists). */
export const MAX_DRAWN_CELLS = 2400;

function Cell({
  ctx,
  g,
  rules,
  version,
}: {
  ctx: PageCtx;
  g: GridCell;
  rules: Map<string, MatrixRule>;
  version?: number;
}) {
  const { t } = ctx;
  const label = `${labelOf(t.levels, g.cell.level)} · ${labelOf(t.category, g.cell.category)} · ${labelOf(t.severity, g.cell.severity)} · ${t.matrix.band(g.cell.costBand)}`;
  const data = {
    'data-level': g.cell.level,
    'data-category': g.cell.category,
    'data-severity': g.cell.severity,
    'data-band': String(g.cell.costBand),
  };
  if (g.ruleIds.length === 0)
    return (
      <td class="mcell mcell-gap" title={label} {...data}>
        <strong>{t.matrix.gap}</strong>
      </td>
    );
  if (g.ruleIds.length > 1)
    return (
      <td class="mcell mcell-overlap" title={label} {...data}>
        <strong>{t.matrix.overlap}</strong>
        <span class="mono small">{g.ruleIds.join(', ')}</span>
      </td>
    );
  const r = rules.get(g.ruleIds[0]!)!;
  const n = Math.min(r.approvers.length, 3);
  return (
    <td class={`mcell mcell-a${n}`} title={label} {...data}>
      <a class="mono small" href={ruleHref(r.id, version)}>
        {r.id}
      </a>
      <span>{placeText(ctx, r.handler, true)}</span>
      <span class="small">
        {r.approvers.length === 0
          ? t.matrix.noApproval
          : `${t.matrix.approvers}: ${r.approvers.map((a) => placeText(ctx, a, true)).join(' → ')}`}
      </span>
    </td>
  );
}

export function MatrixGrid({ ctx, body, version }: { ctx: PageCtx; body: Matrix; version?: number }) {
  const { t, lang } = ctx;
  const grid = coverageGrid(body);
  if (grid.length > MAX_DRAWN_CELLS) return <p class="muted">{t.matrix.gridTooBig(grid.length)}</p>;
  const rules = new Map(body.rules.map((r) => [r.id, r]));
  const nb = body.costBandsVnd.length;
  const ns = body.severities.length;
  const perLevel = body.categories.length * ns * nb;
  return (
    <div class="matrix-grids" data-testid="matrix-grid">
      {body.levels.map((level, li) => (
        <section aria-labelledby={`lv-${li}`}>
          <h3 id={`lv-${li}`}>{t.matrix.levelTable(labelOf(t.levels, level))}</h3>
          <div class="grid-scroll">
            <table class="mgrid">
              <thead>
                <tr>
                  <th scope="col" colspan={2}>
                    {t.matrix.categorySeverity}
                  </th>
                  {body.costBandsVnd.map((_, b) => (
                    <th scope="col">
                      {t.matrix.band(b)}
                      <span class="band-range">{bandRange(body.costBandsVnd, b, lang)}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {body.categories.map((category, ci) =>
                  body.severities.map((severity, si) => (
                    <tr class={si === 0 ? 'cat-first' : undefined}>
                      {si === 0 && (
                        <th scope="rowgroup" rowspan={ns} class="cat">
                          {labelOf(t.category, category)}
                        </th>
                      )}
                      <th scope="row" class="sev">
                        {labelOf(t.severity, severity)}
                      </th>
                      {Array.from({ length: nb }, (_, b) => (
                        <Cell
                          ctx={ctx}
                          g={grid[li * perLevel + (ci * ns + si) * nb + b]!}
                          rules={rules}
                          version={version}
                        />
                      ))}
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
