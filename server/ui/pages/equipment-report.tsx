/**
 * What a phone opens after scanning a label (`/r/<tag>`): which equipment it is, then a short fault
 * form — what is wrong, how badly it hurts the work (three plain choices), one big button — and the
 * answer: the new ticket's number, or the ticket already open for it. Phone first: one column, large
 * touch targets, nothing else on the page.
 */
import type { AssetView } from '../../../shared/schemas/assets.js';
import { AssetStatusBadge, EquipmentStyles, equipmentHref, kindLabel } from '../components/equipment.js';
import { CsrfField, type FieldState, FormSummary } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { ticketHref } from '../components/tickets.js';
import type { PageCtx } from '../page-context.js';

export const REPORT_SEVERITIES = ['critical', 'major', 'minor'] as const;

export type ReportState =
  | { kind: 'form'; state: FieldState; message?: string }
  | { kind: 'reported'; ticketId: string; number: number }
  | { kind: 'already'; ticketId: string; number: number }
  | { kind: 'cannot'; message: string };

function AssetHead({ ctx, a }: { ctx: PageCtx; a: AssetView }) {
  return (
    <div class="card report-asset" data-testid="report-asset">
      <p>
        <span class="tag-text">{a.assetTag}</span> · {kindLabel(ctx.t, a.kind)}{' '}
        <AssetStatusBadge t={ctx.t} status={a.status} />
      </p>
      <p>
        <strong>{a.name}</strong>
        <br />
        <span class="muted">{a.unitName || a.unitCode}</span>
      </p>
    </div>
  );
}

export function ReportPage({ ctx, asset, s }: { ctx: PageCtx; asset: AssetView; s: ReportState }) {
  const { t } = ctx;
  const e = t.equipment;
  // Ticket numbers read as everywhere else (`#1234`): digits, no thousands separator.
  const n = (x: number) => String(x);
  return (
    <Layout ctx={ctx} title={e.reportTitle}>
      <EquipmentStyles />
      <div class="report-page">
        {s.kind === 'reported' && (
          <section class="card report-done" data-testid="report-done" role="status">
            <h1>{e.reportedTitle(n(s.number))}</h1>
            <p>{e.reportedLead}</p>
            <p>
              <a class="btn btn-big" href={ticketHref(s.ticketId)}>
                {e.openTicket}
              </a>
            </p>
          </section>
        )}
        {s.kind === 'already' && (
          <section class="card" data-testid="report-already" role="status">
            <h1>{e.alreadyOpen(n(s.number))}</h1>
            <p>{e.alreadyOpenLead}</p>
            <p>
              <a class="btn btn-big" href={ticketHref(s.ticketId)}>
                {e.openTicket}
              </a>
            </p>
          </section>
        )}
        {s.kind === 'cannot' && (
          <section class="card" data-testid="report-cannot">
            <h1>{e.reportTitle}</h1>
            <p>{s.message}</p>
          </section>
        )}
        {s.kind === 'form' && <h1>{e.reportTitle}</h1>}
        <AssetHead ctx={ctx} a={asset} />
        {s.kind === 'form' && (
          <form
            method="post"
            action={`/r/${encodeURIComponent(asset.assetTag)}`}
            class="stack report-form"
            novalidate
          >
            <CsrfField ctx={ctx} />
            <FormSummary ctx={ctx} message={s.message} />
            <p class="muted">{e.reportLead}</p>
            <div class="field">
              <label for="f-description">{e.what}</label>
              <span class="hint" id="f-description-hint">
                {e.whatHint}
              </span>
              <textarea
                id="f-description"
                name="description"
                rows={4}
                maxlength={5000}
                required
                autofocus
                aria-invalid={s.state.errors.description ? 'true' : undefined}
                aria-describedby={
                  s.state.errors.description ? 'f-description-hint f-description-error' : 'f-description-hint'
                }
              >
                {s.state.values.description ?? ''}
              </textarea>
              {s.state.errors.description && (
                <span class="error" id="f-description-error">
                  {s.state.errors.description}
                </span>
              )}
            </div>
            <fieldset class="choices">
              <legend>{e.severityQ}</legend>
              {REPORT_SEVERITIES.map((sev) => (
                <label class="choice">
                  <input
                    type="radio"
                    name="severity"
                    value={sev}
                    checked={(s.state.values.severity ?? 'major') === sev}
                  />
                  {e.severityChoice[sev]}
                </label>
              ))}
            </fieldset>
            <button type="submit" class="btn btn-big">
              {e.submitReport}
            </button>
          </form>
        )}
        <p class="small">
          <a href={equipmentHref(asset.id)}>{e.assetPage}</a>
        </p>
      </div>
    </Layout>
  );
}

/** An unknown (or out-of-scope) label: what to do, not a bare 404. */
export function UnknownTagPage({ ctx, tag }: { ctx: PageCtx; tag: string }) {
  const e = ctx.t.equipment;
  return (
    <Layout ctx={ctx} title={e.unknownTitle}>
      <EquipmentStyles />
      <div class="report-page">
        <section class="card" data-testid="report-unknown">
          <h1>{e.unknownTitle}</h1>
          <p>{e.unknown(tag)}</p>
          <p>
            <a class="btn btn-secondary" href="/">
              {ctx.t.errors.goHome}
            </a>
          </p>
        </section>
      </div>
    </Layout>
  );
}
