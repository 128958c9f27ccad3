/**
 * Delegation while away: the delegations I gave, received or administer (with revoke), and the form
 * to delegate one of my roles (or, for administrators, anyone's, or a vacant post) for a date range.
 */
import type { DeputyView } from '../../../shared/schemas/deputies.js';
import { Badge, type Tone } from '../components/badge.js';
import { EmptyState } from '../components/flash.js';
import {
  CsrfField,
  type FieldState,
  FormSummary,
  SelectField,
  TextField,
  UnitCodeField,
} from '../components/form.js';
import { Layout, PageHead } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { formatDate } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';
import { ApprovalTabs } from './approvals.js';

export type DeputyState = 'active' | 'upcoming' | 'ended' | 'revoked';

export function deputyState(d: DeputyView, now: Date): DeputyState {
  if (d.revokedAt) return 'revoked';
  if (d.active) return 'active';
  return new Date(d.startsAt) > now ? 'upcoming' : 'ended';
}

const TONE: Record<DeputyState, Tone> = {
  active: 'ok',
  upcoming: 'info',
  ended: 'neutral',
  revoked: 'neutral',
};

export interface DeputiesPageData {
  items: DeputyView[];
  cursor?: string;
  nextCursor: string | null;
  /** My own delegable grants, as `role|unitCode` options. */
  grants: { value: string; label: string }[];
  /** Administrators may delegate anyone's role at a unit, or name an acting holder of a vacant post. */
  admin: boolean;
  units: { code: string; name: string }[];
  unitNames: Map<string, string>;
  state: FieldState;
  message?: string;
}

export function DeputiesPage({ ctx, d }: { ctx: PageCtx; d: DeputiesPageData }) {
  const { t, lang } = ctx;
  const me = ctx.user?.id;
  const cols: Column<DeputyView>[] = [
    {
      header: t.deputies.role,
      class: 'primary wrap',
      cell: (x) =>
        `${labelOf(t.roles, x.role)} · ${d.unitNames.get(x.unitCode) ?? x.unitCode} (${x.unitCode})`,
    },
    {
      header: t.deputies.principal,
      class: 'wrap',
      cell: (x) => x.principalName ?? <span class="muted">{t.deputies.vacancy}</span>,
    },
    { header: t.deputies.deputy, class: 'wrap', cell: (x) => x.deputyName },
    {
      header: t.deputies.period,
      cell: (x) =>
        // The end is exclusive (midnight after the last day): show the last day itself.
        `${formatDate(new Date(x.startsAt), lang)} – ${formatDate(new Date(new Date(x.endsAt).getTime() - 1), lang)}`,
    },
    { header: t.deputies.reason, class: 'wrap', cell: (x) => x.reason ?? '' },
    {
      header: t.common.status,
      cell: (x) => {
        const s = deputyState(x, ctx.now);
        return <Badge tone={TONE[s]} label={t.deputies.state[s]} />;
      },
    },
    {
      header: t.common.actions,
      cell: (x) => {
        const s = deputyState(x, ctx.now);
        if (s === 'revoked' || s === 'ended' || (!d.admin && x.principalId !== me)) return '';
        return (
          <form method="post" action={`/deputies/${encodeURIComponent(x.id)}/revoke`} class="inline-form">
            <CsrfField ctx={ctx} />
            <button type="submit" class="btn btn-secondary btn-small">
              {t.deputies.revoke}
            </button>
          </form>
        );
      },
    },
  ];
  const canCreate = d.grants.length > 0 || d.admin;
  return (
    <Layout ctx={ctx} title={t.deputies.title}>
      <ApprovalTabs ctx={ctx} current="deputies" />
      <PageHead title={t.deputies.title} lead={t.deputies.lead} />
      {d.items.length === 0 && !d.cursor ? (
        <EmptyState message={t.deputies.empty} />
      ) : (
        <DataTable
          ctx={ctx}
          columns={cols}
          rows={d.items}
          caption={t.deputies.list}
          page={{ base: '/deputies', cursor: d.cursor, nextCursor: d.nextCursor }}
        />
      )}
      <section class="card" aria-labelledby="new-deputy-h">
        <h2 id="new-deputy-h">{t.deputies.create}</h2>
        {!canCreate ? (
          <p class="muted">{t.deputies.noOwnRoles}</p>
        ) : (
          <form method="post" action="/deputies" class="stack" novalidate>
            <CsrfField ctx={ctx} />
            <FormSummary ctx={ctx} message={d.message} />
            {d.grants.length > 0 && (
              <SelectField
                ctx={ctx}
                state={d.state}
                name="grant"
                label={t.deputies.role}
                hint={t.deputies.roleHint}
                required={!d.admin}
                options={[...(d.admin ? [{ value: '', label: '—' }] : []), ...d.grants]}
              />
            )}
            {d.admin && (
              <fieldset>
                <legend>{t.roles.admin}</legend>
                <div class="row">
                  <SelectField
                    ctx={ctx}
                    state={d.state}
                    name="role"
                    label={t.users.role}
                    options={[
                      { value: 'unit_head', label: t.roles.unit_head },
                      { value: 'it_staff', label: t.roles.it_staff },
                    ]}
                  />
                  <UnitCodeField
                    ctx={ctx}
                    state={d.state}
                    name="unitCode"
                    label={t.deputies.unitCode}
                    units={d.units}
                  />
                </div>
                <TextField
                  ctx={ctx}
                  state={d.state}
                  name="principal"
                  label={t.deputies.principal}
                  hint={t.deputies.principalHint}
                  maxlength={64}
                  spellcheck={false}
                />
              </fieldset>
            )}
            <TextField
              ctx={ctx}
              state={d.state}
              name="deputy"
              label={t.deputies.deputy}
              hint={t.deputies.deputyHint}
              required
              maxlength={64}
              spellcheck={false}
              autocomplete="off"
            />
            <div class="row">
              <DateField ctx={ctx} state={d.state} name="from" label={t.deputies.from} />
              <DateField ctx={ctx} state={d.state} name="to" label={t.deputies.to} />
            </div>
            <p class="hint">{t.deputies.dateHint}</p>
            <TextField
              ctx={ctx}
              state={d.state}
              name="reason"
              label={t.deputies.reason}
              hint={t.deputies.reasonHint}
              maxlength={500}
            />
            <div class="form-actions">
              <button type="submit" class="btn">
                {t.deputies.submit}
              </button>
            </div>
          </form>
        )}
      </section>
    </Layout>
  );
}

function DateField({
  ctx,
  state,
  name,
  label,
}: {
  ctx: PageCtx;
  state: FieldState;
  name: string;
  label: string;
}) {
  const error = state.errors[name];
  return (
    <div class="field">
      <label for={`f-${name}`}>{label}</label>
      <input
        type="date"
        id={`f-${name}`}
        name={name}
        value={state.values[name] ?? ''}
        required
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `f-${name}-error` : undefined}
      />
      {error && (
        <span class="error" id={`f-${name}-error`}>
          {error}
        </span>
      )}
      <span class="visually-hidden">{ctx.t.deputies.dateHint}</span>
    </div>
  );
}
