/**
 * /matrix pages: the active version as a grid, rules, version history and diff, the simulator and
 * the editor. Reads through `getActiveMatrix`, `getMatrixVersion`, `listMatrixVersions`; the simulator
 * is the API's `simulate`; the editor checks with `validateCandidate` and activates with `putMatrix`
 * (which refuses an invalid matrix with the same cells the page then highlights).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { type MatrixValidation, zMatrix, zSimulate } from '../../../shared/schemas/matrix.js';
import { rootUnit } from '../../db/repos/units.js';
import { userById } from '../../db/repos/users.js';
import { diffMatrices } from '../../domain/matrix-diff.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { ApiError, type FieldError, fail } from '../../http/problem.js';
import {
  getActiveMatrix,
  getMatrixVersion,
  listMatrixVersions,
  type MatrixVersionView,
  putMatrix,
  simulate,
  validateCandidate,
} from '../../services/matrix.js';
import type { UserPrincipal } from '../../services/principal.js';
import { pickableUnits } from '../../services/unit-directory.js';
import { setFlash } from '../flash.js';
import { type FormFailure, formFailure, validateForm } from '../forms.js';
import { parseVnd } from '../money-input.js';
import { pageCtx, signedIn } from '../page-context.js';
import {
  MatrixDiffPage,
  MatrixRulesPage,
  MatrixSimulatePage,
  MatrixTablePage,
  MatrixVersionsPage,
  type VersionMeta,
} from '../pages/matrix.js';
import { type EditOutcome, MatrixEditPage } from '../pages/matrix-edit.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const zVersion = z.coerce.number().int().min(1).max(1_000_000_000);

const canEdit = (p: UserPrincipal) => grantsFor(p.grants, 'matrix.write').length > 0;

/** The matrix fields without the version's own (`version`, `activatedAt`, `activatedBy`). */
function bodyOf(v: MatrixVersionView) {
  const { version: _v, activatedAt: _a, activatedBy: _b, ...body } = v;
  return body;
}

async function metaOf(c: UiCtx, v: MatrixVersionView, active: number): Promise<VersionMeta> {
  const by = v.activatedBy ? await userById(c.get('deps').store.read, v.activatedBy) : undefined;
  return { version: v.version, activatedAt: v.activatedAt, activatedByName: by?.username ?? null, active };
}

/** Version `n` (or the active one) with its meta; 404 for a version that does not exist. */
async function versionAndMeta(c: UiCtx, p: UserPrincipal, n?: number) {
  const db = c.get('deps').store.read;
  const active = await getActiveMatrix(db, p);
  const v = n === undefined || n === active.version ? active : await getMatrixVersion(db, p, n);
  return { v, meta: await metaOf(c, v, active.version) };
}

function versionParam(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const r = zVersion.safeParse(raw);
  if (!r.success)
    throw fail.notFound({ vi: 'Không có phiên bản ma trận này.', en: 'No such matrix version.' });
  return r.data;
}

async function simulatePage(c: UiCtx) {
  const p = signedIn(c);
  const deps = c.get('deps');
  const db = deps.store.read;
  const t = c.get('t');
  const lang = c.get('lang');
  const [active, units, ctx] = await Promise.all([getActiveMatrix(db, p), pickableUnits(db, p), pageCtx(c)]);
  const q = (k: string) => c.req.query(k)?.trim() || undefined;
  const values = {
    unit: q('unit'),
    category: q('category') ?? active.categories[0],
    severity: q('severity') ?? active.severities[0],
    cost: q('cost'),
  };
  let result: Awaited<ReturnType<typeof simulate>> | undefined;
  let failure: FormFailure | undefined;
  if (values.unit) {
    try {
      const cost = values.cost === undefined ? undefined : parseVnd(values.cost);
      if (cost !== undefined && Number.isNaN(cost))
        throw new ApiError('validation_failed', t.common.formHasErrors, {
          errors: [{ path: 'cost', message: t.ticket.estimateBad }],
          localised: true,
        });
      const body = validateForm(
        zSimulate,
        {
          unitCode: values.unit,
          category: values.category,
          severity: values.severity,
          costEstimateVnd: cost,
        },
        t,
        lang,
      );
      result = await simulate(deps, p, body);
    } catch (e) {
      failure = formFailure(e, t, lang, { inputCodes: ['not_found', 'forbidden'], field: 'unitCode' });
      if (!failure) throw e;
    }
  }
  const fields = Object.fromEntries(
    Object.entries(failure?.fields ?? {}).map(([k, v]) => [
      k === 'unitCode' ? 'unit' : k === 'costEstimateVnd' ? 'cost' : k,
      v,
    ]),
  );
  return render(
    c,
    <MatrixSimulatePage
      ctx={ctx}
      state={{ values, errors: fields }}
      message={failure?.message}
      result={result}
      body={bodyOf(active)}
      units={units}
      unitNames={new Map(units.map((u) => [u.code, u.name]))}
      canEdit={canEdit(p)}
    />,
    failure?.status ?? 200,
  );
}

/** May `p` activate a matrix (administrator at the root)? Checking is open to every administrator. */
async function mayActivate(c: UiCtx, p: UserPrincipal): Promise<boolean> {
  const root = await rootUnit(c.get('deps').store.read);
  return !!root && allowed(p.grants, 'matrix.write', root);
}

async function editPage(c: UiCtx, text: string, outcome?: EditOutcome, status: 200 | 422 = 200) {
  const p = signedIn(c);
  const [ctx, canSave] = await Promise.all([pageCtx(c), mayActivate(c, p)]);
  return render(c, <MatrixEditPage ctx={ctx} text={text} outcome={outcome} canSave={canSave} />, status);
}

export const matrixPages = new Hono<UiEnv>()
  .get('/matrix', async (c) => {
    const p = signedIn(c);
    const { v, meta } = await versionAndMeta(c, p);
    return render(
      c,
      <MatrixTablePage ctx={await pageCtx(c)} body={bodyOf(v)} meta={meta} canEdit={canEdit(p)} />,
    );
  })
  .get('/matrix/rules', async (c) => {
    const p = signedIn(c);
    const { v, meta } = await versionAndMeta(c, p, versionParam(c.req.query('version')));
    return render(
      c,
      <MatrixRulesPage ctx={await pageCtx(c)} body={bodyOf(v)} meta={meta} canEdit={canEdit(p)} />,
    );
  })
  .get('/matrix/versions', async (c) => {
    const p = signedIn(c);
    const db = c.get('deps').store.read;
    const cursor = c.req.query('cursor') || undefined;
    const [res, active, ctx] = await Promise.all([
      listMatrixVersions(db, p, { limit: 50, cursor }),
      getActiveMatrix(db, p),
      pageCtx(c),
    ]);
    return render(
      c,
      <MatrixVersionsPage
        ctx={ctx}
        items={res.items}
        active={active.version}
        cursor={cursor}
        nextCursor={res.nextCursor}
        canEdit={canEdit(p)}
      />,
    );
  })
  .get('/matrix/versions/:version', async (c) => {
    const p = signedIn(c);
    const { v, meta } = await versionAndMeta(c, p, versionParam(c.req.param('version')));
    return render(
      c,
      <MatrixTablePage ctx={await pageCtx(c)} body={bodyOf(v)} meta={meta} canEdit={canEdit(p)} />,
    );
  })
  .get('/matrix/diff', async (c) => {
    const p = signedIn(c);
    const db = c.get('deps').store.read;
    const to = versionParam(c.req.query('to')) ?? (await getActiveMatrix(db, p)).version;
    const from = versionParam(c.req.query('from')) ?? Math.max(1, to - 1);
    const [a, b, ctx] = await Promise.all([
      getMatrixVersion(db, p, from),
      getMatrixVersion(db, p, to),
      pageCtx(c),
    ]);
    return render(
      c,
      <MatrixDiffPage
        ctx={ctx}
        from={from}
        to={to}
        diff={diffMatrices(bodyOf(a), bodyOf(b))}
        canEdit={canEdit(p)}
      />,
    );
  })
  .get('/matrix/simulate', (c) => simulatePage(c))
  .get('/matrix/edit', async (c) => {
    const p = signedIn(c);
    if (!canEdit(p)) throw fail.forbidden();
    const active = await getActiveMatrix(c.get('deps').store.read, p);
    return editPage(c, JSON.stringify(bodyOf(active), null, 2));
  })
  .post('/matrix/edit', async (c) => {
    const p = signedIn(c);
    if (!canEdit(p)) throw fail.forbidden();
    const deps = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    const text = form.get('matrix') ?? '';
    const op = form.get('op') === 'save' ? 'save' : 'validate';
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return editPage(c, text, { kind: 'json', message: (e as Error).message }, 422);
    }
    let body: z.infer<typeof zMatrix>;
    try {
      body = validateForm(zMatrix, parsed, t, lang);
    } catch (e) {
      const errors: FieldError[] = e instanceof ApiError ? (e.extra.errors ?? []) : [];
      return editPage(c, text, { kind: 'schema', errors }, 422);
    }
    if (op === 'validate') {
      const v = await validateCandidate(deps, p, body);
      return editPage(c, text, { kind: 'checked', body, v, tried: 'validate' }, v.valid ? 200 : 422);
    }
    try {
      const saved = await putMatrix(deps, p, body);
      setFlash(c, 'success', 'matrixSaved', [String(saved.version)]);
      return c.redirect('/matrix', 303);
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'validation_failed' || !e.extra.counts) throw e;
      // The 422 of putMatrix carries the validator's whole answer (services/matrix.ts).
      const v = { ...(e.extra as unknown as MatrixValidation), valid: false };
      return editPage(c, text, { kind: 'checked', body, v, tried: 'save' }, 422);
    }
  });
