/**
 * The matrix editor: the matrix as JSON in a text area, checked on the server on every "Check" and
 * "Check and activate". The answer is the validator's own — gaps and overlaps drawn as highlighted
 * cells of the grid and listed, unresolved places, structural errors, staffing warnings — and an
 * invalid matrix is never activated (the one in force stays).
 */
import type { Matrix, MatrixValidation } from '../../../shared/schemas/matrix.js';
import type { FieldError } from '../../http/problem.js';
import { EmptyState, Notice } from '../components/flash.js';
import { CsrfField } from '../components/form.js';
import { Layout, PageHead } from '../components/layout.js';
import { MatrixGrid, ruleHref } from '../components/matrix-grid.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';
import { MatrixTabs } from './matrix.js';

export type EditOutcome =
  | { kind: 'json'; message: string }
  | { kind: 'schema'; errors: FieldError[] }
  | { kind: 'checked'; body: Matrix; v: MatrixValidation; tried: 'validate' | 'save' };

function cellText(ctx: PageCtx, c: { level: string; category: string; severity: string; costBand: number }) {
  const { t } = ctx;
  return `${labelOf(t.levels, c.level)} · ${labelOf(t.category, c.category)} · ${labelOf(t.severity, c.severity)} · ${t.matrix.band(c.costBand)}`;
}

function Results({ ctx, o }: { ctx: PageCtx; o: Extract<EditOutcome, { kind: 'checked' }> }) {
  const { t } = ctx;
  const v = o.v;
  return (
    <div data-testid="matrix-check">
      {v.valid ? (
        <Notice kind="success">
          <p>{t.matrix.valid}</p>
        </Notice>
      ) : (
        <div class="form-summary" role="alert">
          <p>
            <strong>
              {t.matrix.invalid(v.counts.gaps, v.counts.overlaps, v.counts.unresolved, v.errors.length)}
            </strong>
          </p>
          {o.tried === 'save' && <p>{t.matrix.notSaved}</p>}
        </div>
      )}
      {v.truncated && <p class="muted">{t.matrix.truncated}</p>}
      {v.gaps.length > 0 && (
        <section class="card">
          <h2>{t.matrix.gapCells}</h2>
          <ul class="cells" data-testid="gap-cells">
            {v.gaps.slice(0, 200).map((c) => (
              <li class="mcell-gap">{cellText(ctx, c)}</li>
            ))}
          </ul>
        </section>
      )}
      {v.overlaps.length > 0 && (
        <section class="card">
          <h2>{t.matrix.overlapCells}</h2>
          <ul class="cells">
            {v.overlaps.slice(0, 200).map((o2) => (
              <li class="mcell-overlap">
                {cellText(ctx, o2.cell)}: <span class="mono">{o2.ruleIds.join(', ')}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {v.errors.length > 0 && (
        <section class="card">
          <h2>{t.matrix.structural}</h2>
          <ProblemTable ctx={ctx} rows={v.errors} />
        </section>
      )}
      {v.unresolved.length > 0 && (
        <section class="card">
          <h2>{t.matrix.unresolved}</h2>
          <div class="table-wrap">
            <table class="data compact">
              <thead>
                <tr>
                  <th scope="col">{t.matrix.colRule}</th>
                  <th scope="col">{t.matrix.colUnit}</th>
                  <th scope="col">{t.matrix.colField}</th>
                  <th scope="col">{t.matrix.colAt}</th>
                  <th scope="col">{t.matrix.colReason}</th>
                </tr>
              </thead>
              <tbody>
                {v.unresolved.slice(0, 200).map((u) => (
                  <tr>
                    <td class="mono">{u.ruleId}</td>
                    <td class="mono">{u.unitCode ?? `(${labelOf(t.levels, u.level)})`}</td>
                    <td class="mono">{u.field ?? ''}</td>
                    <td class="mono">{u.at ?? ''}</td>
                    <td class="wrap">{u.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <h2>{t.matrix.gridTitle}</h2>
      <p class="muted">{t.matrix.gridLegend}</p>
      <MatrixGrid ctx={ctx} body={o.body} />
      {v.warnings.length > 0 && (
        <section class="card">
          <h2>{t.matrix.warnings}</h2>
          <ul class="plain">
            {v.warnings.slice(0, 100).map((w) => (
              <li>
                {`${labelOf(t.roles, w.role)} · ${w.unitCode}: `}
                {w.ruleIds.slice(0, 12).map((id, i) => (
                  <>
                    {i > 0 && ', '}
                    <a class="mono" href={ruleHref(id)}>
                      {id}
                    </a>
                  </>
                ))}
                {w.ruleIds.length > 12 && ' …'}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function ProblemTable({ ctx, rows }: { ctx: PageCtx; rows: FieldError[] }) {
  const { t } = ctx;
  return (
    <div class="table-wrap">
      <table class="data compact">
        <thead>
          <tr>
            <th scope="col">{t.matrix.colPath}</th>
            <th scope="col">{t.matrix.colReason}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr>
              <td class="mono">{e.path || '—'}</td>
              <td class="wrap">{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MatrixEditPage(props: {
  ctx: PageCtx;
  text: string;
  outcome?: EditOutcome;
  canSave: boolean;
}) {
  const { ctx, outcome } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.matrix.editTitle}>
      <MatrixTabs ctx={ctx} current="edit" canEdit />
      <PageHead title={t.matrix.editTitle} lead={t.matrix.editLead} />
      {!props.canSave && <Notice kind="info">{t.matrix.readOnly}</Notice>}
      {outcome?.kind === 'json' && (
        <div class="form-summary" role="alert" data-testid="matrix-check">
          <p>
            <strong>{t.matrix.jsonError(outcome.message)}</strong>
          </p>
        </div>
      )}
      {outcome?.kind === 'schema' && (
        <div data-testid="matrix-check">
          <div class="form-summary" role="alert">
            <p>
              <strong>{t.matrix.schemaErrors}</strong>
            </p>
          </div>
          <ProblemTable ctx={ctx} rows={outcome.errors} />
        </div>
      )}
      {outcome?.kind === 'checked' && <Results ctx={ctx} o={outcome} />}
      <section class="card">
        <form method="post" action="/matrix/edit" class="stack wide" novalidate>
          <CsrfField ctx={ctx} />
          <div class="field">
            <label for="matrix-json">{t.matrix.editField}</label>
            <span class="hint" id="matrix-json-hint">
              {t.matrix.editHint}
            </span>
            <textarea
              id="matrix-json"
              name="matrix"
              class="code"
              rows={24}
              spellcheck={false}
              aria-describedby="matrix-json-hint"
            >
              {props.text}
            </textarea>
          </div>
          <div class="form-actions">
            <button type="submit" name="op" value="validate" class="btn btn-secondary">
              {t.matrix.validate}
            </button>
            {props.canSave && (
              <button type="submit" name="op" value="save" class="btn">
                {t.matrix.save}
              </button>
            )}
            <a href="/matrix/edit">{t.matrix.reset}</a>
          </div>
        </form>
      </section>
      {!outcome && <EmptyState message={t.matrix.gridLegend} />}
    </Layout>
  );
}
