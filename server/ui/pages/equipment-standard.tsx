/**
 * The equipment standard: the version in force (requirements with title, threshold in words and
 * legal basis; activation date), the version history, and for administrators at the root a form
 * editor — one block per requirement, blocks added and removed, no JSON — that issues a new version.
 */
import { ASSET_KINDS } from '../../../shared/enums.js';
import {
  type EquipmentStandardView,
  type Requirement,
  UNIT_ATTRIBUTES,
} from '../../../shared/schemas/assets.js';
import { EQUIPMENT_ASSET_URLS } from '../assets/equipment.js';
import { Badge } from '../components/badge.js';
import { EquipmentTabs, kindLabel, thresholdText } from '../components/equipment.js';
import { Notice } from '../components/flash.js';
import { CsrfField, type FieldState, FormSummary, SelectField, TextField } from '../components/form.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { DateTime } from '../components/time.js';
import { formatNumber } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

export const REQUIREMENT_FORMS = ['count', 'ratio', 'unit_attribute'] as const;
export const PER_FIGURES = ['officers', 'digitizingOfficers'] as const;

/** The fields of one requirement block; a block's field is named `r<i>.<field>`. */
export const ROW_FIELDS = [
  'id',
  'form',
  'kind',
  'per',
  'attribute',
  'threshold',
  'titleVi',
  'titleEn',
  'legalBasis',
  'remove',
] as const;
export type RowField = (typeof ROW_FIELDS)[number];
export const rowKey = (i: number, f: RowField) => `r${i}.${f}`;

const since = (iso: string) => Date.parse(iso) <= 0;

function RequirementsTable({ ctx, s }: { ctx: PageCtx; s: EquipmentStandardView }) {
  const { lang } = ctx;
  const t = ctx.t.standard;
  const cols: Column<Requirement>[] = [
    { header: t.colTitle, class: 'primary wrap', cell: (r) => r.title[lang] || r.title.vi },
    { header: t.colThreshold, class: 'wrap', cell: (r) => thresholdText(ctx, r) },
    {
      header: t.colBasis,
      class: 'wrap',
      cell: (r) => (r.legalBasis ? r.legalBasis : <span class="muted">{t.noBasis}</span>),
    },
  ];
  return <DataTable ctx={ctx} columns={cols} rows={s.requirements} id="requirements" />;
}

export function StandardPage(props: {
  ctx: PageCtx;
  current: EquipmentStandardView;
  versions: EquipmentStandardView[];
  people: Map<string, string>;
  canEdit: boolean;
  notice?: string;
}) {
  const { ctx, current } = props;
  const { lang } = ctx;
  const t = ctx.t.standard;
  const now = ctx.now.getTime();
  const cols: Column<EquipmentStandardView>[] = [
    { header: t.colVersion, class: 'primary', cell: (v) => t.version(v.version) },
    { header: t.colName, class: 'wrap', cell: (v) => v.name },
    {
      header: t.activatedAt,
      cell: (v) =>
        since(v.activatedAt) ? t.sinceInstall : <DateTime at={new Date(v.activatedAt)} lang={lang} />,
    },
    {
      header: t.activatedBy,
      cell: (v) => (v.activatedBy ? (props.people.get(v.activatedBy) ?? '—') : '—'),
    },
    { header: t.colRequirements, class: 'num', cell: (v) => formatNumber(v.requirements.length, lang) },
    {
      header: t.colState,
      cell: (v) =>
        v.version === current.version ? (
          <Badge tone="ok" label={t.stateCurrent} />
        ) : Date.parse(v.activatedAt) > now ? (
          <Badge tone="info" label={t.stateScheduled} />
        ) : (
          <Badge tone="neutral" label={t.stateOld} />
        ),
    },
  ];
  return (
    <Layout ctx={ctx} title={t.title}>
      <EquipmentTabs ctx={ctx} current="standard" />
      <PageHead
        title={t.title}
        lead={t.lead}
        actions={
          props.canEdit && (
            <a class="btn" href="/equipment/standard/edit">
              {t.edit}
            </a>
          )
        }
      />
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      <section class="card" aria-labelledby="cur-h">
        <h2 id="cur-h">
          {current.name} <Badge tone="ok" label={t.version(current.version)} />
        </h2>
        <dl class="facts">
          <dt>{t.activatedAt}</dt>
          <dd>
            {since(current.activatedAt) ? (
              t.sinceInstall
            ) : (
              <DateTime at={new Date(current.activatedAt)} lang={lang} />
            )}
          </dd>
          <dt>{t.legalBasis}</dt>
          <dd>{current.legalBasis || <span class="muted">{t.noBasis}</span>}</dd>
        </dl>
      </section>
      <h2>{t.requirements}</h2>
      <RequirementsTable ctx={ctx} s={current} />
      {!props.canEdit && <p class="muted small">{t.readOnly}</p>}
      <h2>{t.versions}</h2>
      <DataTable ctx={ctx} columns={cols} rows={props.versions} id="versions" />
    </Layout>
  );
}

/** The editor's values for a standard: one block per requirement, then `blank` empty ones. */
export function standardValues(s: EquipmentStandardView, blank = 1): Record<string, string | undefined> {
  const v: Record<string, string | undefined> = {
    name: s.name,
    legalBasis: s.legalBasis,
    rows: String(s.requirements.length + blank),
  };
  s.requirements.forEach((r, i) => {
    v[rowKey(i, 'id')] = r.id;
    v[rowKey(i, 'form')] = r.form;
    v[rowKey(i, 'titleVi')] = r.title.vi;
    v[rowKey(i, 'titleEn')] = r.title.en;
    v[rowKey(i, 'legalBasis')] = r.legalBasis;
    if (r.form === 'unit_attribute') {
      v[rowKey(i, 'attribute')] = r.attribute;
      v[rowKey(i, 'threshold')] = String(r.min);
    } else {
      v[rowKey(i, 'kind')] = r.kind;
      if (r.form === 'ratio') {
        v[rowKey(i, 'per')] = r.per;
        v[rowKey(i, 'threshold')] = String(r.ratio);
      } else v[rowKey(i, 'threshold')] = String(r.min);
    }
  });
  return v;
}

/** Row count in the values (at least one, at most the schema's 100 plus a blank). */
export function rowCount(values: Record<string, string | undefined>): number {
  const n = Number(values.rows);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 101) : 1;
}

function RequirementBlock({ ctx, state, i }: { ctx: PageCtx; state: FieldState; i: number }) {
  const t = ctx.t.standard;
  const k = (f: RowField) => rowKey(i, f);
  const fresh = !state.values[k('id')] && !state.values[k('titleVi')];
  // The long explanations once, on the first block and on the empty one for a new requirement.
  const hints = i === 0 || fresh;
  const threshold = state.values[k('threshold')];
  const shown: FieldState = {
    values: {
      ...state.values,
      // Thresholds read as the reader writes numbers (0,5 in Vietnamese).
      [k('threshold')]:
        threshold && /^\d+(\.\d+)?$/.test(threshold) ? formatNumber(Number(threshold), ctx.lang) : threshold,
    },
    errors: state.errors,
  };
  return (
    <fieldset class={fresh ? 'req-row req-new' : 'req-row'} data-row={String(i)} data-req-row="">
      <legend>{fresh ? t.newRow : t.row(i + 1)}</legend>
      {fresh && <p class="hint">{t.newRowHint}</p>}
      <div class="row">
        <TextField ctx={ctx} state={shown} name={k('titleVi')} label={t.rTitleVi} maxlength={300} required />
        <TextField
          ctx={ctx}
          state={shown}
          name={k('titleEn')}
          label={t.rTitleEn}
          hint={hints ? t.rTitleEnHint : undefined}
          maxlength={300}
        />
      </div>
      <div class="row">
        <SelectField
          ctx={ctx}
          state={shown}
          name={k('form')}
          label={t.rForm}
          required
          options={REQUIREMENT_FORMS.map((f) => ({ value: f, label: t.forms[f] }))}
        />
        <TextField
          ctx={ctx}
          state={shown}
          name={k('threshold')}
          label={t.rThreshold}
          hint={hints ? t.rThresholdHint : undefined}
          inputmode="decimal"
          maxlength={12}
          required
        />
      </div>
      <div class="row">
        <div class="req-opt" data-for="count ratio">
          <SelectField
            ctx={ctx}
            state={shown}
            name={k('kind')}
            label={t.rKind}
            hint={hints ? t.rKindHint : undefined}
            noOptionalMark
            options={[
              { value: '', label: t.notApplicable },
              ...ASSET_KINDS.map((x) => ({ value: x, label: kindLabel(ctx.t, x) })),
            ]}
          />
        </div>
        <div class="req-opt" data-for="ratio">
          <SelectField
            ctx={ctx}
            state={shown}
            name={k('per')}
            label={t.rPer}
            noOptionalMark
            options={[
              { value: '', label: t.notApplicable },
              ...PER_FIGURES.map((x) => ({ value: x, label: labelOf(ctx.t.compliance.attributeNoun, x) })),
            ]}
          />
        </div>
        <div class="req-opt" data-for="unit_attribute">
          <SelectField
            ctx={ctx}
            state={shown}
            name={k('attribute')}
            label={t.rAttribute}
            noOptionalMark
            options={[
              { value: '', label: t.notApplicable },
              ...UNIT_ATTRIBUTES.map((x) => ({
                value: x,
                label: labelOf(ctx.t.compliance.attributeNoun, x),
              })),
            ]}
          />
        </div>
      </div>
      <div class="row">
        <TextField
          ctx={ctx}
          state={shown}
          name={k('id')}
          label={t.rId}
          hint={hints ? t.rIdHint : undefined}
          maxlength={64}
          spellcheck={false}
          required
        />
        <TextField ctx={ctx} state={shown} name={k('legalBasis')} label={t.rBasis} maxlength={500} />
      </div>
      {!fresh && (
        <div class="field check-field">
          <label>
            <input type="checkbox" name={k('remove')} value="1" checked={state.values[k('remove')] === '1'} />{' '}
            {t.rRemove}
          </label>
        </div>
      )}
    </fieldset>
  );
}

export function StandardEditPage(props: {
  ctx: PageCtx;
  state: FieldState;
  message?: string;
  /** "Yêu cầu 2 — Ngưỡng: …" for the summary, in the order of the form. */
  problems: string[];
}) {
  const { ctx, state } = props;
  const t = ctx.t.standard;
  const rows = rowCount(state.values);
  return (
    <Layout ctx={ctx} title={t.editTitle}>
      <EquipmentTabs ctx={ctx} current="standard" />
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[{ label: t.title, href: '/equipment/standard' }, { label: t.editTitle }]}
          />
        }
        title={t.editTitle}
        lead={t.editLead}
      />
      <form
        method="post"
        action="/equipment/standard/edit"
        class="stack wide"
        novalidate
        data-testid="standard-form"
      >
        <CsrfField ctx={ctx} />
        <input type="hidden" name="rows" value={String(rows)} />
        <FormSummary ctx={ctx} message={props.message} />
        {props.problems.length > 0 && (
          <ul class="blockers" data-testid="standard-problems">
            {props.problems.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        )}
        <div class="card">
          <TextField ctx={ctx} state={state} name="name" label={t.fName} maxlength={300} required />
          <TextField
            ctx={ctx}
            state={state}
            name="legalBasis"
            label={t.fBasis}
            hint={t.fBasisHint}
            maxlength={500}
          />
          <TextField
            ctx={ctx}
            state={state}
            name="activatedAt"
            type="date"
            label={t.fActivation}
            hint={t.fActivationHint}
          />
        </div>
        {Array.from({ length: rows }, (_, i) => (
          <RequirementBlock ctx={ctx} state={state} i={i} />
        ))}
        <div class="form-actions">
          <button type="submit" class="btn" name="op" value="save">
            {t.save}
          </button>
          <button type="submit" class="btn btn-secondary" name="op" value="add">
            {t.addRow}
          </button>
          <a href="/equipment/standard">{ctx.t.common.cancel}</a>
        </div>
      </form>
      <script src={EQUIPMENT_ASSET_URLS.js} defer></script>
    </Layout>
  );
}
