/**
 * Enrollment tokens: the one-time display of a new token with the agent command to paste, the form
 * to create one, and the list of tokens (metadata only — a token can never be shown again).
 */
import type { EnrollmentTokenRow } from '../../db/repos/enrollment-tokens.js';
import { tokenState } from '../../services/enrollment-list.js';
import { TokenStateBadge } from '../components/badge.js';
import { EmptyState } from '../components/flash.js';
import { CsrfField, type FieldState, FormSummary, TextField, UnitCodeField } from '../components/form.js';
import { Layout, PageHead, SubNav } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { DateTime } from '../components/time.js';
import { formatDateTime, formatNumber } from '../format.js';
import type { PageCtx } from '../page-context.js';

export interface RevealedToken {
  token: string;
  unitCode: string;
  unitName: string;
  expiresAt: string;
  maxUses: number;
  /** The server address agents should use (this site's origin). */
  server: string;
}

/** The command an installer pastes on a counter PC (PROTOCOL.md, "Command line"). */
export function agentCommand(server: string, token: string): string {
  return `onestop-agent enroll --server ${server} --token ${token}`;
}

function CopyBox({ ctx, id, value }: { ctx: PageCtx; id: string; value: string }) {
  const { t } = ctx;
  return (
    <>
      <div class="copybox">
        <pre id={id}>{value}</pre>
        <button
          type="button"
          class="btn btn-secondary"
          data-copy={id}
          data-copied={t.common.copied}
          data-copy-failed={t.common.copyFailed}
          hidden
        >
          {t.common.copy}
        </button>
      </div>
      <div class="copy-status" id={`${id}-status`} role="status" aria-live="polite"></div>
    </>
  );
}

function Reveal({ ctx, r }: { ctx: PageCtx; r: RevealedToken }) {
  const { t, lang } = ctx;
  return (
    <section class="secret" aria-labelledby="reveal-h" data-testid="token-reveal">
      <h2 id="reveal-h">{t.enrollment.revealTitle}</h2>
      <p>
        <strong>{t.enrollment.revealWarning}</strong>
      </p>
      <p class="muted">
        {t.enrollment.revealFor(
          `${r.unitName} (${r.unitCode})`,
          r.maxUses,
          formatDateTime(new Date(r.expiresAt), lang),
        )}
      </p>
      <h3>{t.enrollment.commandLabel}</h3>
      <p class="small muted">{t.enrollment.commandHint}</p>
      <CopyBox ctx={ctx} id="agent-command" value={agentCommand(r.server, r.token)} />
      <h3>{t.enrollment.tokenLabel}</h3>
      <CopyBox ctx={ctx} id="enrollment-token" value={r.token} />
    </section>
  );
}

export function EnrollmentPage(props: {
  ctx: PageCtx;
  reveal?: RevealedToken;
  state: FieldState;
  message?: string;
  units: { code: string; name: string }[];
  tokens: EnrollmentTokenRow[];
  unitFilter?: { code: string; name: string };
  cursor?: string;
  nextCursor: string | null;
}) {
  const { ctx, state } = props;
  const { t, lang } = ctx;
  const cols: Column<EnrollmentTokenRow>[] = [
    {
      header: t.common.unit,
      class: 'primary wrap',
      cell: (r) => (
        <>
          <a href={`/admin/units/${encodeURIComponent(r.unitCode)}`}>{r.unitName}</a>{' '}
          <span class="muted mono small">{r.unitCode}</span>
        </>
      ),
    },
    { header: t.common.status, cell: (r) => <TokenStateBadge t={t} state={tokenState(r, ctx.now)} /> },
    {
      header: t.enrollment.uses,
      class: 'num',
      cell: (r) => t.enrollment.usesOf(r.uses, r.maxUses),
    },
    { header: t.enrollment.expiresAt, cell: (r) => <DateTime at={r.expiresAt} lang={lang} /> },
    { header: t.common.createdAt, cell: (r) => <DateTime at={r.createdAt} lang={lang} /> },
    { header: t.common.createdBy, class: 'wrap', cell: (r) => r.createdBy ?? '' },
  ];
  const title = props.unitFilter
    ? t.enrollment.createFor(`${props.unitFilter.name} (${props.unitFilter.code})`)
    : t.enrollment.create;
  return (
    <Layout ctx={ctx} title={t.enrollment.title}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead title={t.enrollment.title} lead={t.enrollment.intro} />
      {props.reveal && <Reveal ctx={ctx} r={props.reveal} />}
      <section class="card" aria-labelledby="create-h">
        <h2 id="create-h">{title}</h2>
        <form method="post" action="/admin/enrollment" class="stack" novalidate>
          <CsrfField ctx={ctx} />
          <FormSummary ctx={ctx} message={props.message} />
          <UnitCodeField
            ctx={ctx}
            state={state}
            name="unitCode"
            label={t.enrollment.unitCode}
            hint={t.enrollment.unitCodeHint}
            required
            units={props.units}
          />
          <div class="row">
            <TextField
              ctx={ctx}
              state={state}
              name="expiresInHours"
              label={t.enrollment.expiresInHours}
              hint={t.enrollment.expiresInHoursHint}
              inputmode="numeric"
              maxlength={4}
            />
            <TextField
              ctx={ctx}
              state={state}
              name="maxUses"
              label={t.enrollment.maxUses}
              hint={t.enrollment.maxUsesHint}
              inputmode="numeric"
              maxlength={6}
            />
          </div>
          <div class="form-actions">
            <button type="submit" class="btn">
              {t.enrollment.create}
            </button>
          </div>
        </form>
      </section>
      <section aria-labelledby="list-h">
        <h2 id="list-h">{t.enrollment.list}</h2>
        {props.tokens.length === 0 && !props.cursor ? (
          <EmptyState message={t.enrollment.noTokens} />
        ) : (
          <DataTable
            ctx={ctx}
            columns={cols}
            rows={props.tokens}
            page={{
              base: '/admin/enrollment',
              params: { unit: props.unitFilter?.code },
              cursor: props.cursor,
              nextCursor: props.nextCursor,
            }}
          />
        )}
      </section>
    </Layout>
  );
}

/** Default values shown in the create form (the API's own defaults). */
export function enrollmentDefaults(lang: PageCtx['lang'], unitCode?: string) {
  return { unitCode, expiresInHours: formatNumber(72, lang), maxUses: formatNumber(50, lang) };
}
