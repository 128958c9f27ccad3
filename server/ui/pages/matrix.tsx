/**
 * The maintenance matrix pages: the active (or an old) version as a readable grid, its rules in full,
 * the version history with a diff between versions, and the "who would handle this?" simulator.
 * The editor lives in matrix-edit.tsx.
 */
import type { Child } from 'hono/jsx';
import type { Matrix, MatrixRule, RouteView } from '../../../shared/schemas/matrix.js';
import type { MatrixDiff, ValueChange } from '../../domain/matrix-diff.js';
import { bandRange, formatMinutes } from '../../domain/matrix-explain.js';
import type { MatrixVersionSummary } from '../../services/matrix.js';
import { Badge } from '../components/badge.js';
import { EmptyState, Notice } from '../components/flash.js';
import { type FieldState, FormSummary, SelectField, TextField, UnitCodeField } from '../components/form.js';
import { Layout, PageHead, Tabs } from '../components/layout.js';
import { MatrixGrid, placeText, ruleHref } from '../components/matrix-grid.js';
import { type Column, DataTable } from '../components/table.js';
import { DateTime } from '../components/time.js';
import { formatDateTime } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

export interface VersionMeta {
  version: number;
  activatedAt: string;
  activatedByName: string | null;
  active: number;
}

export function MatrixTabs({ ctx, current, canEdit }: { ctx: PageCtx; current: string; canEdit: boolean }) {
  const { t } = ctx;
  return (
    <Tabs
      label={t.nav.matrixSection}
      current={current}
      tabs={[
        { id: 'table', href: '/matrix', label: t.matrix.tabTable },
        { id: 'rules', href: '/matrix/rules', label: t.matrix.tabRules },
        { id: 'simulate', href: '/matrix/simulate', label: t.matrix.tabSimulate },
        { id: 'versions', href: '/matrix/versions', label: t.matrix.tabVersions },
        ...(canEdit ? [{ id: 'edit', href: '/matrix/edit', label: t.matrix.tabEdit }] : []),
      ]}
    />
  );
}

function VersionLead({ ctx, m }: { ctx: PageCtx; m: VersionMeta }) {
  const { t, lang } = ctx;
  return (
    <>
      <Badge tone={m.version === m.active ? 'ok' : 'neutral'} label={t.matrix.version(m.version)} />{' '}
      {t.matrix.activated(
        formatDateTime(new Date(m.activatedAt), lang),
        m.activatedByName ?? t.matrix.bootstrap,
      )}
    </>
  );
}

function OldNotice({ ctx, m }: { ctx: PageCtx; m: VersionMeta }) {
  if (m.version === m.active) return null;
  return (
    <Notice kind="warn">
      <p>
        {ctx.t.matrix.oldVersion(m.version, m.active)} <a href="/matrix">{ctx.t.matrix.viewActive}</a>
      </p>
    </Notice>
  );
}

export function MatrixTablePage(props: { ctx: PageCtx; body: Matrix; meta: VersionMeta; canEdit: boolean }) {
  const { ctx, body, meta } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.matrix.title}>
      <MatrixTabs
        ctx={ctx}
        current={meta.version === meta.active ? 'table' : 'versions'}
        canEdit={props.canEdit}
      />
      <PageHead title={body.name} lead={<VersionLead ctx={ctx} m={meta} />} />
      <OldNotice ctx={ctx} m={meta} />
      <div class="grid">
        <section class="card">
          <h2>{t.matrix.legalBasis}</h2>
          <p>{body.legalBasis?.trim() || <span class="muted">{t.matrix.noLegalBasis}</span>}</p>
          {body.description && (
            <>
              <h3>{t.matrix.description}</h3>
              <p class="small">{body.description}</p>
            </>
          )}
        </section>
      </div>
      <p class="muted">{t.matrix.lead}</p>
      <MatrixGrid ctx={ctx} body={body} version={meta.version === meta.active ? undefined : meta.version} />
    </Layout>
  );
}

/** Targets are in working minutes (the calendar's hours), so never "1 day" for 1440 of them. */
function minutes(ctx: PageCtx, m: number): string {
  return formatMinutes(m, ctx.lang);
}

function after(ctx: PageCtx, m: number): string {
  return m === 0 ? ctx.t.matrix.immediately : ctx.t.matrix.afterMinutes(formatMinutes(m, ctx.lang));
}

function whenList(ctx: PageCtx, v: '*' | (string | number)[], label: (x: string) => string): string {
  return v === '*' ? ctx.t.matrix.all : v.map((x) => label(String(x))).join(', ');
}

function RuleCard({ ctx, r, body }: { ctx: PageCtx; r: MatrixRule; body: Matrix }) {
  const { t, lang } = ctx;
  return (
    <article class="card rule" id={`rule-${r.id}`} aria-labelledby={`rule-h-${r.id}`}>
      <h2 id={`rule-h-${r.id}`} class="mono">
        {r.id}
      </h2>
      {r.description && <p>{r.description}</p>}
      <dl class="facts facts-tight">
        <dt>{t.matrix.levels}</dt>
        <dd>{whenList(ctx, r.when.level, (x) => labelOf(t.levels, x))}</dd>
        <dt>{t.matrix.categories}</dt>
        <dd>{whenList(ctx, r.when.category, (x) => labelOf(t.category, x))}</dd>
        <dt>{t.matrix.severities}</dt>
        <dd>{whenList(ctx, r.when.severity, (x) => labelOf(t.severity, x))}</dd>
        <dt>{t.matrix.bands}</dt>
        <dd>
          {r.when.costBand === '*'
            ? t.matrix.all
            : r.when.costBand.map((b) => `${b}: ${bandRange(body.costBandsVnd, b, lang)}`).join('; ')}
        </dd>
        <dt>{t.matrix.handler}</dt>
        <dd>{placeText(ctx, r.handler)}</dd>
        <dt>{t.matrix.approvers}</dt>
        <dd>
          {r.approvers.length === 0 ? (
            t.matrix.noApproval
          ) : (
            <ol class="inline-list">
              {r.approvers.map((a) => (
                <li>{placeText(ctx, a)}</li>
              ))}
            </ol>
          )}
        </dd>
        <dt>{t.matrix.sla}</dt>
        <dd>
          {`${t.matrix.respond}: ${minutes(ctx, r.sla.respondMinutes)} · ${t.matrix.resolve}: ${minutes(ctx, r.sla.resolveMinutes)}`}
          {r.approvers.length > 0 && ` · ${t.matrix.approve}: ${minutes(ctx, r.sla.approveMinutes)}`}
        </dd>
        <dt>{t.matrix.escalation}</dt>
        <dd>
          {r.escalation.length === 0 ? (
            t.matrix.none
          ) : (
            <ol class="inline-list">
              {r.escalation.map((e) => (
                <li>{`${after(ctx, e.afterMinutes)}: ${placeText(ctx, e.notify)}`}</li>
              ))}
            </ol>
          )}
        </dd>
        <dt>{t.ticket.legalBasis}</dt>
        <dd>
          {r.legalBasis?.trim() || body.legalBasis?.trim() || (
            <span class="muted">{t.matrix.noLegalBasis}</span>
          )}
        </dd>
      </dl>
    </article>
  );
}

export function MatrixRulesPage(props: { ctx: PageCtx; body: Matrix; meta: VersionMeta; canEdit: boolean }) {
  const { ctx, body, meta } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={`${t.matrix.tabRules} · ${t.matrix.title}`}>
      <MatrixTabs ctx={ctx} current="rules" canEdit={props.canEdit} />
      <PageHead title={body.name} lead={<VersionLead ctx={ctx} m={meta} />} />
      <OldNotice ctx={ctx} m={meta} />
      <p class="muted">{t.matrix.rulesCount(body.rules.length)}</p>
      <div class="rules">
        {body.rules.map((r) => (
          <RuleCard ctx={ctx} r={r} body={body} />
        ))}
      </div>
    </Layout>
  );
}

export function MatrixVersionsPage(props: {
  ctx: PageCtx;
  items: MatrixVersionSummary[];
  active: number;
  cursor?: string;
  nextCursor: string | null;
  canEdit: boolean;
}) {
  const { ctx } = props;
  const { t, lang } = ctx;
  const cols: Column<MatrixVersionSummary>[] = [
    {
      header: t.matrix.versionCol,
      class: 'primary',
      cell: (v) => (
        <>
          <a href={`/matrix/versions/${v.version}`}>{t.matrix.version(v.version)}</a>
          {v.version === props.active && (
            <>
              {' '}
              <Badge tone="ok" label={t.matrix.active} />
            </>
          )}
        </>
      ),
    },
    { header: t.matrix.name, class: 'wrap', cell: (v) => v.name },
    { header: t.matrix.rules, class: 'num', cell: (v) => String(v.rules) },
    { header: t.matrix.activatedAt, cell: (v) => <DateTime at={new Date(v.activatedAt)} lang={lang} /> },
    {
      header: t.matrix.activatedBy,
      cell: (v) => v.activatedByName ?? <span class="muted">{t.matrix.bootstrap}</span>,
    },
    {
      header: t.common.actions,
      cell: (v) =>
        v.version > 1 ? (
          <a href={`/matrix/diff?from=${v.version - 1}&to=${v.version}`}>{t.matrix.diffPrev}</a>
        ) : (
          ''
        ),
    },
  ];
  return (
    <Layout ctx={ctx} title={`${t.matrix.tabVersions} · ${t.matrix.title}`}>
      <MatrixTabs ctx={ctx} current="versions" canEdit={props.canEdit} />
      <PageHead title={t.matrix.versions} />
      <DataTable
        ctx={ctx}
        columns={cols}
        rows={props.items}
        page={{ base: '/matrix/versions', cursor: props.cursor, nextCursor: props.nextCursor }}
      />
    </Layout>
  );
}

function show(ctx: PageCtx, v: unknown): string {
  if (v === undefined) return '—';
  if (v === '') return ctx.t.matrix.empty;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function ChangeTable({ ctx, rows }: { ctx: PageCtx; rows: ValueChange[] }) {
  const { t } = ctx;
  return (
    <div class="table-wrap">
      <table class="data compact diff">
        <thead>
          <tr>
            <th scope="col">{t.matrix.field}</th>
            <th scope="col">{t.matrix.before}</th>
            <th scope="col">{t.matrix.after}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr>
              <td>
                {labelOf(t.matrix.fieldNames, c.path) !== c.path &&
                  `${labelOf(t.matrix.fieldNames, c.path)} `}
                <span class="mono small">{c.path}</span>
              </td>
              <td class="wrap diff-old">{show(ctx, c.from)}</td>
              <td class="wrap diff-new">{show(ctx, c.to)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MatrixDiffPage(props: {
  ctx: PageCtx;
  from: number;
  to: number;
  diff: MatrixDiff;
  canEdit: boolean;
}) {
  const { ctx, diff } = props;
  const { t } = ctx;
  const none =
    diff.fields.length === 0 &&
    diff.added.length === 0 &&
    diff.removed.length === 0 &&
    diff.changed.length === 0 &&
    diff.cellCount === 0;
  const cellName = (c: MatrixDiff['cells'][number]['cell']) =>
    `${labelOf(t.levels, c.level)} · ${labelOf(t.category, c.category)} · ${labelOf(t.severity, c.severity)} · ${t.matrix.band(c.costBand)}`;
  return (
    <Layout ctx={ctx} title={t.matrix.diffTitle(props.from, props.to)}>
      <MatrixTabs ctx={ctx} current="versions" canEdit={props.canEdit} />
      <PageHead
        title={t.matrix.diffTitle(props.from, props.to)}
        lead={
          <>
            <a href={`/matrix/versions/${props.from}`}>{t.matrix.version(props.from)}</a>
            {' → '}
            <a href={`/matrix/versions/${props.to}`}>{t.matrix.version(props.to)}</a>
          </>
        }
      />
      {none && <EmptyState message={t.matrix.diffNone} />}
      {diff.fields.length > 0 && (
        <section>
          <h2>{t.matrix.diffFields}</h2>
          <ChangeTable ctx={ctx} rows={diff.fields} />
        </section>
      )}
      {(diff.added.length > 0 || diff.removed.length > 0) && (
        <div class="grid">
          {diff.added.length > 0 && (
            <section class="card">
              <h2>{t.matrix.diffAdded}</h2>
              <ul class="plain mono">
                {diff.added.map((id) => (
                  <li class="diff-new">
                    <a href={ruleHref(id, props.to)}>{id}</a>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {diff.removed.length > 0 && (
            <section class="card">
              <h2>{t.matrix.diffRemoved}</h2>
              <ul class="plain mono">
                {diff.removed.map((id) => (
                  <li class="diff-old">
                    <a href={ruleHref(id, props.from)}>{id}</a>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      )}
      {diff.changed.length > 0 && (
        <section>
          <h2>{t.matrix.diffChanged}</h2>
          {diff.changed.map((c) => (
            <>
              <h3 class="mono">{c.id}</h3>
              <ChangeTable ctx={ctx} rows={c.changes} />
            </>
          ))}
        </section>
      )}
      {diff.cellCount > 0 && (
        <section>
          <h2>{t.matrix.diffCells(diff.cellCount)}</h2>
          {diff.cells.length < diff.cellCount && (
            <p class="muted">{t.matrix.diffCellsMore(diff.cells.length, diff.cellCount)}</p>
          )}
          <div class="table-wrap">
            <table class="data compact">
              <thead>
                <tr>
                  <th scope="col">{t.matrix.cell}</th>
                  <th scope="col">{t.matrix.before}</th>
                  <th scope="col">{t.matrix.after}</th>
                </tr>
              </thead>
              <tbody>
                {diff.cells.map((c) => (
                  <tr>
                    <td>{cellName(c.cell)}</td>
                    <td class="mono diff-old">{c.from ?? t.matrix.gap}</td>
                    <td class="mono diff-new">
                      {c.to ?? t.matrix.gap}
                      {c.ruleEdited && <span class="muted">{` (${t.matrix.ruleEdited})`}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </Layout>
  );
}

export function MatrixSimulatePage(props: {
  ctx: PageCtx;
  state: FieldState;
  message?: string;
  result?: RouteView;
  body: Matrix;
  units: { code: string; name: string }[];
  unitNames: Map<string, string>;
  canEdit: boolean;
}) {
  const { ctx, state, result } = props;
  const { t, lang } = ctx;
  const unitOf = (code: string) => `${props.unitNames.get(code) ?? code} (${code})`;
  const place = (p: { role: string; unitCode: string }): Child =>
    `${labelOf(t.roles, p.role)} · ${unitOf(p.unitCode)}`;
  return (
    <Layout ctx={ctx} title={`${t.matrix.simTitle} · ${t.matrix.title}`}>
      <MatrixTabs ctx={ctx} current="simulate" canEdit={props.canEdit} />
      <PageHead title={t.matrix.simTitle} lead={t.matrix.simLead} />
      <div class="card">
        <form method="get" action="/matrix/simulate" class="stack" novalidate>
          <FormSummary ctx={ctx} message={props.message} />
          <UnitCodeField
            ctx={ctx}
            state={state}
            name="unit"
            label={t.matrix.simUnit}
            required
            units={props.units}
          />
          <div class="row">
            <SelectField
              ctx={ctx}
              state={state}
              name="category"
              label={t.queue.category}
              required
              options={props.body.categories.map((c) => ({ value: c, label: labelOf(t.category, c) }))}
            />
            <SelectField
              ctx={ctx}
              state={state}
              name="severity"
              label={t.queue.severity}
              required
              options={props.body.severities.map((s) => ({ value: s, label: labelOf(t.severity, s) }))}
            />
          </div>
          <TextField
            ctx={ctx}
            state={state}
            name="cost"
            label={t.matrix.simCost}
            hint={t.matrix.simCostHint}
            inputmode="decimal"
            maxlength={32}
          />
          <div class="form-actions">
            <button type="submit" class="btn">
              {t.matrix.simSubmit}
            </button>
          </div>
        </form>
      </div>
      {result && (
        <section class="card sim-result" aria-labelledby="sim-h" data-testid="sim-result">
          <h2 id="sim-h">{t.matrix.simResult}</h2>
          <dl class="facts">
            <dt>{t.matrix.bands}</dt>
            <dd>
              {t.matrix.simBand(result.costBand, bandRange(props.body.costBandsVnd, result.costBand, lang))}
            </dd>
            <dt>{t.matrix.handler}</dt>
            <dd>
              <strong>{place(result.handler)}</strong>
            </dd>
            <dt>{t.matrix.approvers}</dt>
            <dd>
              {result.approvers.length === 0 ? (
                t.matrix.noApproval
              ) : (
                <ol class="inline-list">
                  {result.approvers.map((a) => (
                    <li>{place(a)}</li>
                  ))}
                </ol>
              )}
            </dd>
            <dt>{t.matrix.sla}</dt>
            <dd>
              {`${t.matrix.respond}: ${minutes(ctx, result.sla.respondMinutes)} · ${t.matrix.resolve}: ${minutes(ctx, result.sla.resolveMinutes)}`}
              {result.approvers.length > 0 &&
                ` · ${t.matrix.approve}: ${minutes(ctx, result.sla.approveMinutes)}`}
            </dd>
            <dt>{t.matrix.escalation}</dt>
            <dd>
              {result.escalation.length === 0 ? (
                t.matrix.none
              ) : (
                <ol class="inline-list">
                  {result.escalation.map((e) => (
                    <li>{`${after(ctx, e.afterMinutes)}: ${labelOf(t.roles, e.notify.role)} · ${unitOf(e.notify.unitCode)}`}</li>
                  ))}
                </ol>
              )}
            </dd>
            <dt>{t.ticket.rule}</dt>
            <dd>
              <a class="mono" href={ruleHref(result.ruleId)}>
                {result.ruleId}
              </a>
            </dd>
            <dt>{t.ticket.legalBasis}</dt>
            <dd>{result.legalBasis ?? <span class="muted">{t.ticket.noLegalBasis}</span>}</dd>
          </dl>
          <p class="explain-text">{result.explanation[lang]}</p>
        </section>
      )}
    </Layout>
  );
}
