/**
 * A unit's check policy: every value in force with where it comes from (this unit, an ancestor, or
 * the built-in default), and — for those allowed — the form to override or inherit each one.
 */
import type { PolicyValues } from '../../../shared/schemas/policy.js';
import type { PolicyKey, PolicyLineage } from '../../services/policy-lineage.js';
import { Badge } from '../components/badge.js';
import { Notice } from '../components/flash.js';
import { CsrfField, type FieldState, FormSummary, TextField, UnitDatalist } from '../components/form.js';
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

export function PolicyPage(props: {
  ctx: PageCtx;
  lineage: PolicyLineage;
  unitName: string;
  canWrite: boolean;
  units: { code: string; name: string }[];
  state: FieldState;
  message?: string;
}) {
  const { ctx, lineage: l, state } = props;
  const { t } = ctx;
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
                    {src?.self ? (
                      <Badge tone="info" label={t.policy.own} />
                    ) : src ? (
                      <span class="muted">{t.policy.inherited(`${src.name} (${src.code})`)}</span>
                    ) : (
                      <span class="muted">{t.policy.builtIn}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {!props.canWrite ? (
        <Notice kind="info">{t.policy.readOnly}</Notice>
      ) : (
        <section class="card" aria-labelledby="pol-edit-h">
          <h2 id="pol-edit-h">{t.policy.edit}</h2>
          <p class="hint">{t.policy.editHint}</p>
          <form
            method="post"
            action={`/admin/policy/${encodeURIComponent(l.unitCode)}`}
            class="stack wide"
            novalidate
          >
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
            <JsonField ctx={ctx} state={state} name="targets" label={t.policy.targetsJson} />
            <JsonField ctx={ctx} state={state} name="peripherals" label={t.policy.peripheralsJson} />
            <div class="form-actions">
              <button type="submit" class="btn">
                {t.common.save}
              </button>
            </div>
          </form>
        </section>
      )}
    </Layout>
  );
}

function JsonField({ state, name, label }: { ctx: PageCtx; state: FieldState; name: string; label: string }) {
  const error = state.errors[name];
  return (
    <div class="field">
      <label for={`f-${name}`}>{label}</label>
      <textarea
        id={`f-${name}`}
        name={name}
        class="code"
        rows={6}
        spellcheck={false}
        aria-invalid={error ? 'true' : undefined}
      >
        {state.values[name] ?? ''}
      </textarea>
      {error && <span class="error">{error}</span>}
    </div>
  );
}
