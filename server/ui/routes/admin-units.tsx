/**
 * /admin/units — the unit tree (a unit and its sub-units), search, creating, editing (rename, move,
 * figures) and archiving units. Reads go through the unit directory and `unitForCaller` (404 outside
 * the caller's scope, as the API); writes through the API's own `createUnit`, `updateUnit`, `archiveUnit`.
 */
import { Hono } from 'hono';
import { zUnitCreate, zUnitUpdate } from '../../../shared/schemas/units.js';
import type { UnitRow } from '../../db/repos/units.js';
import { unitById } from '../../db/repos/units.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
import { ApiError, fail, msgIn } from '../../http/problem.js';
import { activeMatrix } from '../../services/matrix-active.js';
import {
  childrenOf,
  pickableUnits,
  scopeRoots,
  searchUnits,
  unitPeople,
  visibleAncestors,
} from '../../services/unit-directory.js';
import {
  archiveBlockers,
  archiveUnit,
  createUnit,
  hasBlockers,
  unitForCaller,
  updateUnit,
} from '../../services/units.js';
import { emptyFieldState } from '../components/form.js';
import { setFlash } from '../flash.js';
import { type FormFailure, formFailure, num, text, validateForm, valuesOf } from '../forms.js';
import { type PageCtx, pageCtx, signedIn } from '../page-context.js';
import { UnitArchivePage, UnitEditPage } from '../pages/unit-edit.js';
import { UnitFormPage, UnitPage, UnitRootsPage, UnitSearchPage } from '../pages/units.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const PAGE = 50;
const FIELDS = ['parentCode', 'code', 'name', 'level', 'areaM2', 'officers', 'digitizingOfficers'] as const;

async function unitPage(c: UiCtx, code: string) {
  const p = signedIn(c);
  const db = c.get('deps').store.read;
  const unit = await unitForCaller(db, p, code, 'unit.read');
  const cursor = c.req.query('cursor') || undefined;
  const after = decodeCursor(cursor, 1);
  const [ctx, ancestors, children, parent] = await Promise.all([
    pageCtx(c),
    visibleAncestors(db, p, unit),
    childrenOf(db, p, unit, { limit: PAGE, afterCode: after ? String(after[0]) : undefined }),
    unit.parentId ? unitById(db, unit.parentId) : Promise.resolve(undefined),
  ]);
  // Only an administrator of this unit needs the matrix (is there a level below this one?).
  const mayWrite = allowed(p.grants, 'unit.write', unit);
  const levels = mayWrite ? ((await activeMatrix(db))?.body.levels ?? []) : [];
  const hasLowerLevel = levels.indexOf(unit.level) >= 0 && levels.indexOf(unit.level) < levels.length - 1;
  const canSeePeople = allowed(p.grants, 'user.read', unit);
  return render(
    c,
    <UnitPage
      ctx={ctx}
      data={{
        unit,
        parent: parent && allowed(p.grants, 'unit.read', parent) ? parent : undefined,
        ancestors,
        children: children.items,
        cursor,
        nextCursor: children.nextCode ? encodeCursor([children.nextCode]) : null,
        people: canSeePeople ? await unitPeople(db, unit) : undefined,
        can: {
          createChild: mayWrite && hasLowerLevel,
          createToken: allowed(p.grants, 'enrollment.create', unit),
          createUser: allowed(p.grants, 'user.write', unit),
          edit: mayWrite,
          archive: mayWrite && !!unit.parentId,
        },
      }}
    />,
  );
}

async function formPage(
  c: UiCtx,
  ctx: PageCtx,
  values: Record<string, string | undefined>,
  failure?: FormFailure,
) {
  const p = signedIn(c);
  const db = c.get('deps').store.read;
  const matrix = await activeMatrix(db);
  const levels = matrix?.body.levels ?? [];
  const parents = (await pickableUnits(db, p)).filter((u) => allowed(p.grants, 'unit.write', u));
  return render(
    c,
    <UnitFormPage
      ctx={ctx}
      state={{ values, errors: failure?.fields ?? {} }}
      levels={levels}
      parents={parents}
      message={failure?.message}
    />,
    failure?.status ?? 200,
  );
}

export const unitPages = new Hono<UiEnv>()
  .get('/admin', (c) => {
    signedIn(c);
    return c.redirect('/admin/units', 302);
  })
  .get('/admin/units', async (c) => {
    const p = signedIn(c);
    const db = c.get('deps').store.read;
    const q = c.req.query('q')?.trim().slice(0, 100);
    if (q) {
      const cursor = c.req.query('cursor') || undefined;
      const offset = Number(decodeCursor(cursor, 1)?.[0] ?? 0);
      const res = await searchUnits(db, p, q, { limit: PAGE, offset });
      const ctx = await pageCtx(c);
      return render(
        c,
        <UnitSearchPage
          ctx={ctx}
          q={q}
          items={res.items}
          cursor={cursor}
          nextCursor={res.more ? encodeCursor([offset + PAGE]) : null}
        />,
      );
    }
    const roots = await scopeRoots(db, p);
    if (roots.length === 1) return unitPage(c, roots[0]!.code);
    return render(c, <UnitRootsPage ctx={await pageCtx(c)} roots={roots} />);
  })
  .get('/admin/units/new', async (c) => {
    const p = signedIn(c);
    if (grantsFor(p.grants, 'unit.write').length === 0) throw fail.forbidden();
    const db = c.get('deps').store.read;
    const parentCode = c.req.query('parent') || (await scopeRoots(db, p))[0]?.code;
    // Offer the level just below the parent's as the default choice.
    const matrix = await activeMatrix(db);
    const levels = matrix?.body.levels ?? [];
    const parent = parentCode ? await unitForCaller(db, p, parentCode, 'unit.write') : undefined;
    const level = parent ? levels[levels.indexOf(parent.level) + 1] : undefined;
    return formPage(c, await pageCtx(c), emptyFieldState({ parentCode: parent?.code, level }).values);
  })
  .post('/admin/units', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    try {
      const input = validateForm(
        zUnitCreate,
        {
          parentCode: text(form, 'parentCode'),
          code: text(form, 'code'),
          name: text(form, 'name'),
          level: text(form, 'level'),
          areaM2: num(form, 'areaM2'),
          officers: num(form, 'officers'),
          digitizingOfficers: num(form, 'digitizingOfficers'),
        },
        t,
        lang,
      );
      const unit = await createUnit(deps, p, input);
      setFlash(c, 'success', 'unitCreated', [unit.name]);
      return c.redirect(`/admin/units/${encodeURIComponent(unit.code)}`, 303);
    } catch (e) {
      // A parent outside the caller's scope is about what was typed: say so next to the parent field.
      const ff = formFailure(e, t, lang, { inputCodes: ['forbidden'], field: 'parentCode' });
      if (!ff) throw e;
      return formPage(c, await pageCtx(c), valuesOf(form, FIELDS), ff);
    }
  })
  .get('/admin/units/:code', (c) => unitPage(c, c.req.param('code')))
  .get('/admin/units/:code/edit', async (c) => {
    const p = signedIn(c);
    const db = c.get('deps').store.read;
    const unit = await unitForCaller(db, p, c.req.param('code'), 'unit.write');
    const parent = unit.parentId ? await unitById(db, unit.parentId) : undefined;
    return editPage(c, unit, {
      name: unit.name,
      parentCode: parent?.code,
      areaM2: figure(unit.areaM2),
      officers: figure(unit.officers),
      digitizingOfficers: figure(unit.digitizingOfficers),
    });
  })
  .post('/admin/units/:code/edit', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const lang = c.get('lang');
    const t = c.get('t');
    const form = c.get('form')!;
    const unit = await unitForCaller(deps.store.read, p, c.req.param('code'), 'unit.write');
    const values = valuesOf(form, EDIT_FIELDS);
    try {
      const input = validateForm(
        zUnitUpdate,
        {
          name: text(form, 'name') ?? '',
          ...(unit.parentId ? { parentCode: text(form, 'parentCode') ?? '' } : {}),
          // An emptied figure is no longer known: clear it.
          areaM2: num(form, 'areaM2') ?? null,
          officers: num(form, 'officers') ?? null,
          digitizingOfficers: num(form, 'digitizingOfficers') ?? null,
        },
        t,
        lang,
      );
      const saved = await updateUnit(deps, p, unit.code, input);
      setFlash(c, 'success', 'unitSaved', [saved.name]);
      return c.redirect(`/admin/units/${encodeURIComponent(saved.code)}`, 303);
    } catch (e) {
      // A parent outside the caller's scope, or one the level rule or the matrix refuses, is about
      // the parent field: the service's own explanation goes right next to it.
      const ff = formFailure(e, t, lang, { inputCodes: ['forbidden'], field: 'parentCode' });
      if (!ff) throw e;
      const fields = { ...ff.fields };
      if (fields.level !== undefined || fields.parentCode !== undefined) {
        delete fields.level;
        fields.parentCode = ff.message;
      }
      return editPage(c, unit, values, { ...ff, fields });
    }
  })
  .get('/admin/units/:code/archive', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const unit = await unitForCaller(deps.store.read, p, c.req.param('code'), 'unit.write');
    if (!unit.parentId) throw fail.conflict(rootArchiveMsg);
    return archivePage(c, unit);
  })
  .post('/admin/units/:code/archive', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const code = c.req.param('code');
    try {
      const done = await archiveUnit(deps, p, code);
      setFlash(c, 'success', 'unitArchived', [done.name]);
      return c.redirect(
        done.parentCode ? `/admin/units/${encodeURIComponent(done.parentCode)}` : '/admin/units',
        303,
      );
    } catch (e) {
      // A blocker that appeared meanwhile: show the page again, which lists it.
      if (!(e instanceof ApiError) || e.code !== 'conflict') throw e;
      const unit = await unitForCaller(deps.store.read, p, code, 'unit.write');
      return archivePage(c, unit, msgIn(e.detail, c.get('lang')), 409);
    }
  });

const EDIT_FIELDS = ['name', 'parentCode', 'areaM2', 'officers', 'digitizingOfficers'] as const;

const rootArchiveMsg = { vi: 'Không thể lưu trữ đơn vị gốc.', en: 'The root unit cannot be archived.' };

/** A stored figure as the form shows it ("" when unknown). */
const figure = (n: number | null) => (n === null ? undefined : String(n));

async function editPage(
  c: UiCtx,
  unit: UnitRow,
  values: Record<string, string | undefined>,
  failure?: FormFailure,
) {
  const p = signedIn(c);
  const db = c.get('deps').store.read;
  // Offered parents: units the caller administers, minus this unit's own subtree (a move there is a cycle).
  const [ancestors, pickable] = await Promise.all([visibleAncestors(db, p, unit), pickableUnits(db, p)]);
  const parents = pickable.filter((u) => allowed(p.grants, 'unit.write', u) && !u.path.startsWith(unit.path));
  return render(
    c,
    <UnitEditPage
      ctx={await pageCtx(c)}
      unit={unit}
      ancestors={ancestors}
      state={{ values, errors: failure?.fields ?? {} }}
      parents={parents}
      message={failure?.message}
    />,
    failure?.status ?? 200,
  );
}

async function archivePage(c: UiCtx, unit: UnitRow, message?: string, status: 200 | 409 = 200) {
  const p = signedIn(c);
  const deps = c.get('deps');
  const db = deps.store.read;
  const [ancestors, blockers] = await Promise.all([
    visibleAncestors(db, p, unit),
    archiveBlockers(db, unit, deps.clock.now()),
  ]);
  return render(
    c,
    <UnitArchivePage
      ctx={await pageCtx(c)}
      unit={unit}
      ancestors={ancestors}
      blockers={blockers}
      message={hasBlockers(blockers) ? undefined : message}
    />,
    status,
  );
}
