/**
 * A unit's check policy: every value in force with where it comes from (this unit, an ancestor, or
 * the built-in default), and — for those allowed — the form to override or inherit each one. The
 * table and the form are shared with a device's policy page (device-policy.tsx).
 */
import type { PolicyValues } from '../../../shared/schemas/policy.js';
import type {
  PolicyKey,
  PolicyLineage,
  PolicySource,
  UnitPolicyLineage,
} from '../../services/policy-lineage.js';
import { Badge } from '../components/badge.js';
import { Notice } from '../components/flash.js';
import {
  CsrfField,
  type FieldState,
  FormSummary,
  TextAreaField,
  TextField,
  UnitDatalist,
} from '../components/form.js';
import { Breadcrumbs, Layout, PageHead, SubNav } from '../components/layout.js';
import { formatNumber } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

const KEYS: PolicyKey[] = ['intervalSec', 'disk', 'targets', 'peripherals', 'openAfter', 'recoverAfter'];

function shownValue(ctx: PageCtx, k: PolicyKey, p: PolicyValues) {
  const { t, lang } = ctx;
  switch (k) {
    case 'disk':
      return t.policy.disk(formatNumber(p.disk.warnFreePct, lang), formatNumber(p.disk.critFreePct, lang));
    case 'targets':
      return (
        <ul class="plain small">
          {p.targets.map((x) => (
            <li>
              {t.policy.target(x.name, formatNumber(x.warnMs, lang))}{' '}
              <span class="muted mono">{x.url ?? `${x.host}:${x.port}`}</span>
            </li>
          ))}
        </ul>
      );
    case 'peripherals':
      return p.peripherals.expected.length === 0 ? (
        <span class="muted">{t.fleet.noExpected}</span>
      ) : (
        <ul class="plain small">
          {p.peripherals.expected.map((e) => (
            <li>{`${e.label} (${labelOf(t.peripheralKind, e.kind)})`}</li>
          ))}
        </ul>
      );
    default:
      return formatNumber(p[k], lang);
  }
}

/** How one value's source reads: set here (`ownLabel`), inherited from a unit, or the default. */
function SourceCell({ ctx, src, ownLabel }: { ctx: PageCtx; src: PolicySource; ownLabel: string }) {
  const { t } = ctx;
  if (src.kind === 'self') return <Badge tone="info" label={ownLabel} />;
  if (src.kind === 'unit')
    return <span class="muted">{t.policy.inherited(`${src.name} (${src.code})`)}</span>;
  return <span class="muted">{t.policy.builtIn}</span>;
}

/**
 * Every value in force and where it comes from. With `removeAction`, a key set here has a
 * "remove override" button (a post of `clear=<key>`, see ui/policy-form.ts).
 */
export function PolicyTable(props: {
  ctx: PageCtx;
  lineage: PolicyLineage;
  ownLabel: string;
  removeAction?: string;
}) {
  const { ctx, lineage: l } = props;
  const { t } = ctx;
  return (
    <div class="table-wrap">
      <table class="data stack" data-testid="policy">
        <thead>
          <tr>
            <th scope="col">{t.policy.key}</th>
            <th scope="col">{t.policy.value}</th>
            <th scope="col">{t.policy.from}</th>
          </tr>
        </thead>
        <tbody>
          {KEYS.map((k) => {
            const src = l.sources[k];
            return (
              <tr data-key={k}>
                <td class="primary">{t.policy.keys[k]}</td>
                <td data-label={t.policy.value} class="wrap">
                  {shownValue(ctx, k, l.effective)}
                </td>
                <td data-label={t.policy.from}>
                  <SourceCell ctx={ctx} src={src} ownLabel={props.ownLabel} />
                  {props.removeAction && src.kind === 'self' && (
                    <form method="post" action={props.removeAction} class="inline-form">
                      <CsrfField ctx={ctx} />
                      <input type="hidden" name="clear" value={k} />{' '}
                      <button
                        type="submit"
                        class="btn btn-secondary btn-small"
                        aria-label={t.policy.removeOverrideOf(t.policy.keys[k])}
                      >
                        {t.policy.removeOverride}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The override form: each field filled overrides, each left empty inherits (`inheritHint`). */
export function PolicyForm(props: {
  ctx: PageCtx;
  action: string;
  title: string;
  hint: string;
  state: FieldState;
  message?: string;
}) {
  const { ctx, state } = props;
  const { t } = ctx;
  return (
    <section class="card" aria-labelledby="pol-edit-h">
      <h2 id="pol-edit-h">{props.title}</h2>
      <p class="hint">{props.hint}</p>
      <form method="post" action={props.action} class="stack wide" novalidate>
        <CsrfField ctx={ctx} />
        <FormSummary ctx={ctx} message={props.message} />
        <div class="row">
          <TextField
            ctx={ctx}
            state={state}
            name="intervalSec"
            label={t.policy.keys.intervalSec}
            inputmode="numeric"
            maxlength={4}
            noOptionalMark
          />
          <TextField
            ctx={ctx}
            state={state}
            name="openAfter"
            label={t.policy.keys.openAfter}
            inputmode="numeric"
            maxlength={3}
            noOptionalMark
          />
          <TextField
            ctx={ctx}
            state={state}
            name="recoverAfter"
            label={t.policy.keys.recoverAfter}
            inputmode="numeric"
            maxlength={3}
            noOptionalMark
          />
        </div>
        <div class="row">
          <TextField
            ctx={ctx}
            state={state}
            name="warnFreePct"
            label={t.policy.warnFreePct}
            inputmode="decimal"
            maxlength={5}
            noOptionalMark
          />
          <TextField
            ctx={ctx}
            state={state}
            name="critFreePct"
            label={t.policy.critFreePct}
            inputmode="decimal"
            maxlength={5}
            noOptionalMark
          />
        </div>
        <TextAreaField
          ctx={ctx}
          state={state}
          name="targets"
          label={t.policy.targetsJson}
          code
          noOptionalMark
        />
        <TextAreaField
          ctx={ctx}
          state={state}
          name="peripherals"
          label={t.policy.peripheralsJson}
          code
          noOptionalMark
        />
        <div class="form-actions">
          <button type="submit" class="btn">
            {t.common.save}
          </button>
        </div>
      </form>
    </section>
  );
}

export function PolicyPage(props: {
  ctx: PageCtx;
  lineage: UnitPolicyLineage;
  unitName: string;
  canWrite: boolean;
  units: { code: string; name: string }[];
  state: FieldState;
  message?: string;
}) {
  const { ctx, lineage: l } = props;
  const { t } = ctx;
  const action = `/admin/policy/${encodeURIComponent(l.unitCode)}`;
  return (
    <Layout ctx={ctx} title={`${t.policy.title} · ${props.unitName}`}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[{ label: t.policy.title, href: '/admin/policy' }, { label: props.unitName }]}
          />
        }
        title={`${t.policy.title}: ${props.unitName}`}
        lead={t.policy.lead}
      />
      <form method="get" action="/admin/policy" class="search">
        <div class="field">
          <label for="pol-unit">{t.policy.pickUnit}</label>
          <input type="search" id="pol-unit" name="unit" list="pol-units" maxlength={32} value={l.unitCode} />
          <UnitDatalist id="pol-units" units={props.units} />
        </div>
        <button type="submit" class="btn btn-secondary">
          {t.policy.view}
        </button>
      </form>
      <PolicyTable
        ctx={ctx}
        lineage={l}
        ownLabel={t.policy.own}
        removeAction={props.canWrite ? action : undefined}
      />
      {!props.canWrite ? (
        <Notice kind="info">{t.policy.readOnly}</Notice>
      ) : (
        <PolicyForm
          ctx={ctx}
          action={action}
          title={t.policy.edit}
          hint={t.policy.editHint}
          state={props.state}
          message={props.message}
        />
      )}
    </Layout>
  );
}
