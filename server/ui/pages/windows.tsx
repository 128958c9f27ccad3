/**
 * Maintenance windows: the ones in force or coming (or all, ended ones too), with their scope, time,
 * recurrence and reason; cancelling one; and the form to declare one (times are Vietnam local time).
 */
import type { MaintenanceWindowView } from '../../../shared/schemas/maintenance.js';
import { Badge } from '../components/badge.js';
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
import { formatDateTime } from '../format.js';
import type { PageCtx } from '../page-context.js';
import { FleetTabs } from './fleet-tabs.js';

export function WindowTable(props: {
  ctx: PageCtx;
  items: MaintenanceWindowView[];
  hostnames: Map<string, string>;
  canCancel: boolean;
  pager?: { cursor?: string; nextCursor: string | null; params: Record<string, string | undefined> };
}) {
  const { ctx } = props;
  const { t, lang } = ctx;
  if (props.items.length === 0 && !props.pager?.cursor) return <EmptyState message={t.fleet.noWindows} />;
  const repeat = (w: MaintenanceWindowView) => {
    const r = w.recurrence;
    if (!r) return t.fleet.once;
    const what =
      r.freq === 'daily'
        ? t.fleet.daily
        : t.fleet.weekly((r.byWeekday ?? []).map((d) => t.fleet.isoWeekday[d - 1]).join(', '));
    return r.until ? `${what}, ${t.fleet.until(formatDateTime(new Date(r.until), lang))}` : what;
  };
  const cols: Column<MaintenanceWindowView>[] = [
    {
      header: t.fleet.windowFor,
      class: 'primary wrap',
      cell: (w) =>
        w.deviceId
          ? t.fleet.windowDevice(props.hostnames.get(w.deviceId) ?? w.deviceId)
          : t.fleet.windowUnit(w.unitCode),
    },
    {
      header: t.fleet.windowTime,
      cell: (w) =>
        `${formatDateTime(new Date(w.startsAt), lang)} – ${formatDateTime(new Date(w.endsAt), lang)}`,
    },
    { header: t.fleet.windowRepeat, class: 'wrap', cell: repeat },
    { header: t.fleet.reason, class: 'wrap', cell: (w) => w.reason },
    {
      header: t.fleet.statusCol,
      cell: (w) =>
        w.cancelledAt ? (
          <Badge tone="neutral" label={t.fleet.cancelled} />
        ) : w.activeNow ? (
          <Badge tone="warn" label={t.fleet.activeNow} />
        ) : (
          ''
        ),
    },
  ];
  if (props.canCancel)
    cols.push({
      header: t.common.actions,
      cell: (w) =>
        w.cancelledAt ? (
          ''
        ) : (
          <form
            method="post"
            action={`/fleet/windows/${encodeURIComponent(w.id)}/cancel`}
            class="inline-form"
          >
            <CsrfField ctx={ctx} />
            <button type="submit" class="btn btn-secondary btn-small">
              {t.fleet.cancel}
            </button>
          </form>
        ),
    });
  return (
    <DataTable
      ctx={ctx}
      columns={cols}
      rows={props.items}
      id="windows"
      page={props.pager && { base: '/fleet/windows', ...props.pager }}
    />
  );
}

export function WindowsPage(props: {
  ctx: PageCtx;
  items: MaintenanceWindowView[];
  hostnames: Map<string, string>;
  cursor?: string;
  nextCursor: string | null;
  past: boolean;
  canWrite: boolean;
  units: { code: string; name: string }[];
  state: FieldState;
  message?: string;
}) {
  const { ctx, state } = props;
  const { t } = ctx;
  const days = [1, 2, 3, 4, 5, 6, 7];
  const chosen = new Set((state.values.byWeekday ?? '').split(',').filter(Boolean));
  return (
    <Layout ctx={ctx} title={t.fleet.windows}>
      <FleetTabs ctx={ctx} current="windows" />
      <PageHead title={t.fleet.windows} lead={t.fleet.windowsLead} />
      <p>
        <a href={props.past ? '/fleet/windows' : '/fleet/windows?past=1'}>
          {props.past ? t.fleet.windowsHere : t.fleet.showPast}
        </a>
      </p>
      <WindowTable
        ctx={ctx}
        items={props.items}
        hostnames={props.hostnames}
        canCancel={props.canWrite}
        pager={{
          cursor: props.cursor,
          nextCursor: props.nextCursor,
          params: { past: props.past ? '1' : undefined },
        }}
      />
      {props.canWrite && (
        <section class="card" aria-labelledby="new-window-h">
          <h2 id="new-window-h">{t.fleet.createWindow}</h2>
          <form method="post" action="/fleet/windows" class="stack" novalidate>
            <CsrfField ctx={ctx} />
            <FormSummary ctx={ctx} message={props.message} />
            <div class="row">
              <UnitCodeField
                ctx={ctx}
                state={state}
                name="unitCode"
                label={t.fleet.wUnit}
                hint={t.fleet.wUnitHint}
                units={props.units}
              />
              <TextField
                ctx={ctx}
                state={state}
                name="deviceId"
                label={t.fleet.wDevice}
                hint={t.fleet.wDeviceHint}
                maxlength={64}
                spellcheck={false}
              />
            </div>
            <div class="row">
              <LocalTime ctx={ctx} state={state} name="startsAt" label={t.fleet.wStart} />
              <LocalTime ctx={ctx} state={state} name="endsAt" label={t.fleet.wEnd} />
            </div>
            <p class="hint">{t.fleet.wTimeHint}</p>
            <SelectField
              ctx={ctx}
              state={state}
              name="repeat"
              label={t.fleet.wRepeat}
              required
              options={[
                { value: '', label: t.fleet.once },
                { value: 'daily', label: t.fleet.daily },
                { value: 'weekly', label: t.fleet.weekly('…') },
              ]}
            />
            <fieldset>
              <legend>{t.fleet.wDays}</legend>
              <div class="checks">
                {days.map((d) => (
                  <label>
                    <input
                      type="checkbox"
                      name="byWeekday"
                      value={String(d)}
                      checked={chosen.has(String(d))}
                    />{' '}
                    {t.fleet.isoWeekday[d - 1]}
                  </label>
                ))}
              </div>
            </fieldset>
            <LocalTime ctx={ctx} state={state} name="until" label={t.fleet.wUntil} optional />
            <TextField
              ctx={ctx}
              state={state}
              name="reason"
              label={t.fleet.wReason}
              hint={t.fleet.wReasonHint}
              required
              maxlength={500}
            />
            <div class="form-actions">
              <button type="submit" class="btn">
                {t.fleet.createWindow}
              </button>
            </div>
          </form>
        </section>
      )}
    </Layout>
  );
}

function LocalTime(props: {
  ctx: PageCtx;
  state: FieldState;
  name: string;
  label: string;
  optional?: boolean;
}) {
  const { ctx, state, name } = props;
  const error = state.errors[name];
  return (
    <div class="field">
      <label for={`f-${name}`}>
        {props.label}
        {props.optional && <span class="opt"> ({ctx.t.common.optional})</span>}
      </label>
      <input
        type="datetime-local"
        id={`f-${name}`}
        name={name}
        value={state.values[name] ?? ''}
        required={!props.optional}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `f-${name}-error` : undefined}
      />
      {error && (
        <span class="error" id={`f-${name}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}
