/** Opening a ticket by hand: unit, category and severity from the active matrix, title, details. */
import {
  CsrfField,
  type FieldState,
  FormSummary,
  SelectField,
  TextField,
  UnitCodeField,
} from '../components/form.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

export function TicketFormPage(props: {
  ctx: PageCtx;
  state: FieldState;
  message?: string;
  categories: string[];
  severities: string[];
  units: { code: string; name: string }[];
}) {
  const { ctx, state } = props;
  const { t } = ctx;
  const descError = state.errors.description;
  return (
    <Layout ctx={ctx} title={t.ticket.createTitle}>
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[{ label: t.nav.queue, href: '/queue' }, { label: t.ticket.createTitle }]}
          />
        }
        title={t.ticket.createTitle}
        lead={t.ticket.createIntro}
      />
      <div class="card">
        <form method="post" action="/tickets" class="stack" novalidate>
          <CsrfField ctx={ctx} />
          <FormSummary ctx={ctx} message={props.message} />
          <UnitCodeField
            ctx={ctx}
            state={state}
            name="unitCode"
            label={t.ticket.createUnit}
            hint={t.ticket.createUnitHint}
            required
            autofocus={!state.values.unitCode}
            units={props.units}
          />
          <div class="row">
            <SelectField
              ctx={ctx}
              state={state}
              name="category"
              label={t.queue.category}
              required
              options={props.categories.map((c) => ({ value: c, label: labelOf(t.category, c) }))}
            />
            <SelectField
              ctx={ctx}
              state={state}
              name="severity"
              label={t.queue.severity}
              required
              options={props.severities.map((s) => ({ value: s, label: labelOf(t.severity, s) }))}
            />
          </div>
          <TextField
            ctx={ctx}
            state={state}
            name="title"
            label={t.ticket.createTitleField}
            hint={t.ticket.createTitleHint}
            required
            maxlength={200}
          />
          <div class="field">
            <label for="f-description">
              {t.ticket.createDescription} <span class="opt">({t.common.optional})</span>
            </label>
            <textarea
              id="f-description"
              name="description"
              rows={5}
              maxlength={10000}
              aria-invalid={descError ? 'true' : undefined}
            >
              {state.values.description ?? ''}
            </textarea>
            {descError && <span class="error">{descError}</span>}
          </div>
          <TextField
            ctx={ctx}
            state={state}
            name="deviceId"
            label={t.ticket.createDevice}
            hint={t.ticket.createDeviceHint}
            maxlength={64}
            spellcheck={false}
          />
          <div class="form-actions">
            <button type="submit" class="btn">
              {t.ticket.createSubmit}
            </button>
            <a href="/queue">{t.common.cancel}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}
