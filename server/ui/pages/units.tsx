/** Unit pages: the tree (a unit with its sub-units, breadcrumbs above), search, and the create form. */

import type { Role } from '../../../shared/enums.js';
import type { UnitPerson, UnitWithChildCount } from '../../db/repos/unit-tree.js';
import type { UnitRow } from '../../db/repos/units.js';
import { LevelBadge, RoleBadge } from '../components/badge.js';
import { EmptyState } from '../components/flash.js';
import {
  CsrfField,
  type FieldState,
  FormSummary,
  SelectField,
  TextField,
  UnitCodeField,
} from '../components/form.js';
import { Breadcrumbs, Layout, PageHead, SubNav } from '../components/layout.js';
import { type Column, DataTable } from '../components/table.js';
import { DateTime } from '../components/time.js';
import { formatNumber } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

const unitHref = (code: string) => `/admin/units/${encodeURIComponent(code)}`;

function SearchForm({ ctx, q }: { ctx: PageCtx; q?: string }) {
  const { t } = ctx;
  return (
    <form method="get" action="/admin/units" class="search">
      <div class="field">
        <label for="unit-q">{t.units.searchLabel}</label>
        <input
          type="search"
          id="unit-q"
          name="q"
          value={q ?? ''}
          placeholder={t.units.searchPlaceholder}
          maxlength={100}
        />
      </div>
      <button type="submit" class="btn btn-secondary">
        {t.common.search}
      </button>
      {q && (
        <a href="/admin/units" class="btn btn-secondary">
          {t.common.clearSearch}
        </a>
      )}
    </form>
  );
}

function unitColumns(ctx: PageCtx): Column<UnitWithChildCount>[] {
  const { t, lang } = ctx;
  return [
    {
      header: t.common.name,
      class: 'primary wrap',
      cell: (u) => <a href={unitHref(u.code)}>{u.name}</a>,
    },
    { header: t.common.code, cell: (u) => <span class="mono">{u.code}</span> },
    { header: t.common.level, cell: (u) => <LevelBadge t={t} level={u.level} /> },
    {
      header: t.units.children,
      class: 'num',
      cell: (u) => formatNumber(u.childCount, lang),
    },
  ];
}

/** The tops of the caller's tree when there are several (or none). */
export function UnitRootsPage(props: { ctx: PageCtx; roots: UnitWithChildCount[] }) {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.units.title}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead title={t.units.treeTitle} lead={t.units.intro} />
      <SearchForm ctx={ctx} />
      {props.roots.length === 0 ? (
        <EmptyState message={t.units.noUnits} />
      ) : (
        <DataTable ctx={ctx} columns={unitColumns(ctx)} rows={props.roots} />
      )}
    </Layout>
  );
}

export function UnitSearchPage(props: {
  ctx: PageCtx;
  q: string;
  items: UnitRow[];
  cursor?: string;
  nextCursor: string | null;
}) {
  const { ctx, q } = props;
  const { t } = ctx;
  const cols: Column<UnitRow>[] = [
    { header: t.common.name, class: 'primary wrap', cell: (u) => <a href={unitHref(u.code)}>{u.name}</a> },
    { header: t.common.code, cell: (u) => <span class="mono">{u.code}</span> },
    { header: t.common.level, cell: (u) => <LevelBadge t={t} level={u.level} /> },
  ];
  return (
    <Layout ctx={ctx} title={t.units.searchResults(q)}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead title={t.units.searchResults(q)} />
      <SearchForm ctx={ctx} q={q} />
      {props.items.length === 0 ? (
        <EmptyState message={t.units.noResults(q)} />
      ) : (
        <DataTable
          ctx={ctx}
          columns={cols}
          rows={props.items}
          page={{ base: '/admin/units', params: { q }, cursor: props.cursor, nextCursor: props.nextCursor }}
        />
      )}
    </Layout>
  );
}

export interface UnitPageData {
  unit: UnitRow;
  parent?: UnitRow;
  ancestors: UnitRow[];
  children: UnitWithChildCount[];
  cursor?: string;
  nextCursor: string | null;
  /** Undefined when the caller may not see who holds roles here. */
  people?: UnitPerson[];
  can: { createChild: boolean; createToken: boolean; createUser: boolean; edit: boolean; archive: boolean };
}

export function UnitPage({ ctx, data }: { ctx: PageCtx; data: UnitPageData }) {
  const { t, lang } = ctx;
  const u = data.unit;
  const crumbs = [
    { label: t.units.title, href: '/admin/units' },
    ...data.ancestors.map((a) => ({ label: a.name, href: unitHref(a.code) })),
    { label: u.name },
  ];
  const showTree = data.children.length > 0 || !!data.cursor || data.can.createChild;
  const actions = (
    <>
      {data.can.edit && (
        <a class="btn btn-secondary" href={`${unitHref(u.code)}/edit`}>
          {t.units.edit}
        </a>
      )}
      {data.can.createChild && (
        <a class="btn" href={`/admin/units/new?parent=${encodeURIComponent(u.code)}`}>
          {t.units.createChild}
        </a>
      )}
      {data.can.createToken && (
        <a class="btn btn-secondary" href={`/admin/enrollment?unit=${encodeURIComponent(u.code)}`}>
          {t.enrollment.create}
        </a>
      )}
    </>
  );
  return (
    <Layout ctx={ctx} title={u.name}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead
        crumbs={<Breadcrumbs ctx={ctx} items={crumbs} />}
        title={u.name}
        lead={
          <>
            <span class="mono">{u.code}</span> · <LevelBadge t={t} level={u.level} />
          </>
        }
        actions={actions}
      />
      {/* A unit without sub-units, where none can be added (a commune), has no tree to show or search. */}
      {showTree && <SearchForm ctx={ctx} />}
      {showTree && (
        <section aria-labelledby="children-h">
          <h2 id="children-h">{t.units.children}</h2>
          {data.children.length === 0 && !data.cursor ? (
            <EmptyState
              message={data.can.createChild ? t.units.noChildrenAdmin : t.units.noChildren}
              action={
                data.can.createChild && (
                  <a class="btn" href={`/admin/units/new?parent=${encodeURIComponent(u.code)}`}>
                    {t.units.createChild}
                  </a>
                )
              }
            />
          ) : (
            <DataTable
              ctx={ctx}
              columns={unitColumns(ctx)}
              rows={data.children}
              page={{ base: unitHref(u.code), cursor: data.cursor, nextCursor: data.nextCursor }}
            />
          )}
        </section>
      )}
      <div class="grid">
        <section class="card" aria-labelledby="facts-h">
          <h2 id="facts-h">{t.units.detailsTitle}</h2>
          <dl class="facts">
            <dt>{t.units.code}</dt>
            <dd class="mono">{u.code}</dd>
            <dt>{t.units.name}</dt>
            <dd>{u.name}</dd>
            <dt>{t.units.level}</dt>
            <dd>{labelOf(t.levels, u.level)}</dd>
            <dt>{t.units.parent}</dt>
            <dd>
              {data.parent ? (
                <a href={unitHref(data.parent.code)}>{data.parent.name}</a>
              ) : (
                <span class="muted">{t.units.root}</span>
              )}
            </dd>
            {u.areaM2 !== null && (
              <>
                <dt>{t.units.areaM2}</dt>
                <dd>{formatNumber(u.areaM2, lang)}</dd>
              </>
            )}
            {u.officers !== null && (
              <>
                <dt>{t.units.officers}</dt>
                <dd>{formatNumber(u.officers, lang)}</dd>
              </>
            )}
            {u.digitizingOfficers !== null && (
              <>
                <dt>{t.units.digitizingOfficers}</dt>
                <dd>{formatNumber(u.digitizingOfficers, lang)}</dd>
              </>
            )}
            <dt>{t.common.createdAt}</dt>
            <dd>
              <DateTime at={u.createdAt} lang={lang} dateOnly />
            </dd>
          </dl>
          {(data.can.edit || data.can.archive) && (
            <ul class="actions unit-actions">
              {data.can.edit && (
                <li>
                  <a href={`${unitHref(u.code)}/edit`}>{t.units.edit}</a>
                </li>
              )}
              {data.can.archive && (
                <li>
                  <a href={`${unitHref(u.code)}/archive`} class="danger-link">
                    {t.units.archive}
                  </a>
                </li>
              )}
            </ul>
          )}
        </section>
        {data.people && (
          <section class="card" aria-labelledby="people-h">
            <h2 id="people-h">{t.units.people}</h2>
            {data.people.length === 0 ? (
              <p class="muted">{data.can.createUser ? t.units.noPeopleAdmin : t.units.noPeople}</p>
            ) : (
              <ul class="plain">
                {data.people.map((p) => (
                  <li>
                    <strong>{p.displayName}</strong> <span class="muted mono">{p.username}</span>{' '}
                    <RoleBadge t={t} role={p.role as Role} />
                  </li>
                ))}
              </ul>
            )}
            {data.can.createUser && (
              <p>
                <a href={`/admin/users/new?unit=${encodeURIComponent(u.code)}`}>{t.users.create}</a>
              </p>
            )}
          </section>
        )}
      </div>
    </Layout>
  );
}

export function UnitFormPage(props: {
  ctx: PageCtx;
  state: FieldState;
  levels: string[];
  parents: { code: string; name: string }[];
  message?: string;
}) {
  const { ctx, state } = props;
  const { t } = ctx;
  const parentCode = state.values.parentCode;
  return (
    <Layout ctx={ctx} title={t.units.createTitle}>
      <SubNav ctx={ctx} entries={ctx.adminNav} />
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[
              { label: t.units.title, href: '/admin/units' },
              ...(parentCode ? [{ label: parentCode, href: unitHref(parentCode) }] : []),
              { label: t.units.createTitle },
            ]}
          />
        }
        title={t.units.createTitle}
        lead={t.units.createIntro}
      />
      <div class="card">
        <form method="post" action="/admin/units" class="stack" novalidate>
          <CsrfField ctx={ctx} />
          <FormSummary ctx={ctx} message={props.message} />
          <UnitCodeField
            ctx={ctx}
            state={state}
            name="parentCode"
            label={t.units.parent}
            hint={t.units.parentHint}
            required
            units={props.parents}
          />
          <TextField
            ctx={ctx}
            state={state}
            name="code"
            label={t.units.code}
            hint={t.units.codeHint}
            required
            maxlength={32}
            spellcheck={false}
            autofocus={!state.values.code}
          />
          <TextField
            ctx={ctx}
            state={state}
            name="name"
            label={t.units.name}
            hint={t.units.nameHint}
            required
            maxlength={200}
          />
          <SelectField
            ctx={ctx}
            state={state}
            name="level"
            label={t.units.level}
            hint={t.units.levelHint}
            required
            options={props.levels.map((l) => ({ value: l, label: labelOf(t.levels, l) }))}
          />
          <UnitFiguresRow ctx={ctx} state={state} />
          <div class="form-actions">
            <button type="submit" class="btn">
              {t.units.create}
            </button>
            <a href={parentCode ? unitHref(parentCode) : '/admin/units'}>{t.common.cancel}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}

/**
 * The three figures of a unit (area, officers, digitising officers): one row of the create and edit
 * forms. Optional, so the edit form (which explains them in a fieldset) drops the "optional" marks.
 */
export function UnitFiguresRow(props: { ctx: PageCtx; state: FieldState; noOptionalMark?: boolean }) {
  const { ctx, state, noOptionalMark } = props;
  const { t } = ctx;
  return (
    <div class="row">
      <TextField
        ctx={ctx}
        state={state}
        name="areaM2"
        label={t.units.areaM2}
        inputmode="decimal"
        maxlength={12}
        noOptionalMark={noOptionalMark}
      />
      <TextField
        ctx={ctx}
        state={state}
        name="officers"
        label={t.units.officers}
        inputmode="numeric"
        maxlength={7}
        noOptionalMark={noOptionalMark}
      />
      <TextField
        ctx={ctx}
        state={state}
        name="digitizingOfficers"
        label={t.units.digitizingOfficers}
        inputmode="numeric"
        maxlength={7}
        noOptionalMark={noOptionalMark}
      />
    </div>
  );
}
