/** Editing a unit (name, parent, one-stop counter figures) and the confirm step before archiving it. */
import type { UnitRow } from '../../db/repos/units.js';
import type { ArchiveBlockers } from '../../services/units.js';
import { LevelBadge } from '../components/badge.js';
import { Notice } from '../components/flash.js';
import { CsrfField, type FieldState, FormSummary, TextField, UnitCodeField } from '../components/form.js';
import { Breadcrumbs, Layout, PageHead, SubNav } from '../components/layout.js';
import type { PageCtx } from '../page-context.js';
import { UnitFiguresRow } from './units.js';

const unitHref = (code: string) => `/admin/units/${encodeURIComponent(code)}`;

function crumbs(ctx: PageCtx, unit: UnitRow, ancestors: UnitRow[], last: string) {
  return (
    <Breadcrumbs
      ctx={ctx}
      items={[
        { label: ctx.t.units.title, href: '/admin/units' },
        ...ancestors.map((a) => ({ label: a.name, href: unitHref(a.code) })),
        { label: unit.name, href: unitHref(unit.code) },
        { label: last },
      ]}
    />
  );
}

export function UnitEditPage(props: {
  ctx: PageCtx;
  unit: UnitRow;
  ancestors: UnitRow[];
  state: FieldState;
  parents: { code: string; name: string }[];
  message?: string;
}) {
  const { ctx, unit, state } = props;
  const { t } = ctx;
  const title = t.units.editTitle(unit.name);
  const root = !unit.parentId;
  return (
    <Layout ctx={ctx} title={title}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead
        crumbs={crumbs(ctx, unit, props.ancestors, t.units.edit)}
        title={title}
        lead={
          <>
            <span class="mono">{unit.code}</span> · <LevelBadge t={t} level={unit.level} />
          </>
        }
      />
      <div class="card">
        <form method="post" action={`${unitHref(unit.code)}/edit`} class="stack" novalidate>
          <CsrfField ctx={ctx} />
          <p class="muted">{t.units.editIntro}</p>
          <FormSummary ctx={ctx} message={props.message} />
          <TextField
            ctx={ctx}
            state={state}
            name="name"
            label={t.units.name}
            hint={t.units.nameHint}
            required
            maxlength={200}
          />
          {root ? (
            <p class="muted">{t.units.rootParent}</p>
          ) : (
            <UnitCodeField
              ctx={ctx}
              state={state}
              name="parentCode"
              label={t.units.parent}
              hint={t.units.moveHint}
              required
              units={props.parents}
            />
          )}
          <fieldset>
            <legend>{t.units.figuresTitle}</legend>
            <p class="hint muted small">{t.units.figuresHint}</p>
            <UnitFiguresRow ctx={ctx} state={state} noOptionalMark />
          </fieldset>
          <div class="form-actions">
            <button type="submit" class="btn">
              {t.common.save}
            </button>
            <a href={unitHref(unit.code)}>{t.common.cancel}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}

const BLOCKER_ORDER: (keyof ArchiveBlockers)[] = [
  'subUnits',
  'devices',
  'assets',
  'liveTickets',
  'pendingApprovals',
  'roleGrants',
  'deputies',
];

/** What archiving will do, what still blocks it (each named with its count), and the button when nothing does. */
export function UnitArchivePage(props: {
  ctx: PageCtx;
  unit: UnitRow;
  ancestors: UnitRow[];
  blockers: ArchiveBlockers;
  message?: string;
}) {
  const { ctx, unit, blockers } = props;
  const { t } = ctx;
  const title = t.units.archiveTitle(unit.name);
  const present = BLOCKER_ORDER.filter((k) => blockers[k] > 0);
  return (
    <Layout ctx={ctx} title={title}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead crumbs={crumbs(ctx, unit, props.ancestors, t.units.archive)} title={title} />
      <section class="card danger-zone">
        <p>{t.units.archiveIntro}</p>
        {present.length > 0 ? (
          <>
            <Notice kind="warn">
              <p>
                <strong>{t.units.archiveBlocked}</strong>
              </p>
              <ul class="blockers">
                {present.map((k) => (
                  <li>{t.units.blockers[k](blockers[k])}</li>
                ))}
              </ul>
              <p>{t.units.archiveBlockedNext}</p>
            </Notice>
            <p>
              <a href={unitHref(unit.code)}>{t.common.back}</a>
            </p>
          </>
        ) : (
          <form method="post" action={`${unitHref(unit.code)}/archive`} class="stack">
            <CsrfField ctx={ctx} />
            <FormSummary ctx={ctx} message={props.message} />
            <p class="muted">{t.units.archiveReady}</p>
            <div class="form-actions">
              <button type="submit" class="btn btn-danger">
                {t.units.archiveSubmit}
              </button>
              <a href={unitHref(unit.code)}>{t.common.cancel}</a>
            </div>
          </form>
        )}
      </section>
    </Layout>
  );
}
