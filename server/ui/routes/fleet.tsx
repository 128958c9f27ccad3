/**
 * /fleet — health by unit (the caller's scope, worst first), a unit's devices, open tickets and
 * windows; /fleet/devices/:id — one PC (its own check policy: routes/policy.tsx); /fleet/windows — maintenance windows. Reads through the
 * services the API uses (`fleetHealth`, `listDeviceViews`, `deviceDetail`, `getDevicePolicy`,
 * `listWindows`, `queueTickets`); writes through `revokeDevice`, `createWindow`, `cancelWindow`.
 */
import { Hono } from 'hono';
import { zMaintenanceWindowCreate } from '../../../shared/schemas/maintenance.js';
import { unitByCode } from '../../db/repos/units.js';
import { POLICY_KEYS } from '../../domain/policy.js';
import { allowed, grantsFor } from '../../domain/scope.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
import { ApiError, fail } from '../../http/problem.js';
import { metricHistory, metricsOfDevice } from '../../services/device-history.js';
import { deviceDetail, listDeviceViews, revokeDevice } from '../../services/devices.js';
import { deviceTickets, fleetHealth, hostnamesOf } from '../../services/fleet.js';
import { getDevicePolicy } from '../../services/policy.js';
import type { UserPrincipal } from '../../services/principal.js';
import { queueTickets } from '../../services/ticket-queue.js';
import { pickableUnits, scopeRoots, visibleAncestors } from '../../services/unit-directory.js';
import { unitForCaller } from '../../services/units.js';
import { cancelWindow, createWindow, listWindows } from '../../services/windows.js';
import { emptyFieldState } from '../components/form.js';
import { setFlash } from '../flash.js';
import { type FormFailure, formFailure, text, validateForm, valuesOf } from '../forms.js';
import { pageCtx, signedIn } from '../page-context.js';
import { DevicePage, PERIOD_MS, type Period } from '../pages/device.js';
import { FleetUnitPage } from '../pages/fleet.js';
import { WindowsPage } from '../pages/windows.js';
import { render } from '../render.js';
import type { UiCtx, UiEnv } from '../ui-env.js';

const PAGE = 50;

function requireFleet(p: UserPrincipal) {
  if (grantsFor(p.grants, 'device.read').length === 0) throw fail.forbidden();
}

async function unitPage(c: UiCtx, code: string) {
  const p = signedIn(c);
  requireFleet(p);
  const deps = c.get('deps');
  const db = deps.store.read;
  const unit = await unitForCaller(db, p, code, 'device.read');
  const problemsOnly = c.req.query('problems') === '1';
  const cursor = c.req.query('cursor') || undefined;
  const offset = Number(decodeCursor(cursor, 1)?.[0] ?? 0);
  const dcursor = c.req.query('dcursor') || undefined;
  const [health, ancestors, open, windows, ctx] = await Promise.all([
    fleetHealth(db, p, unit, { problemsOnly }),
    visibleAncestors(db, p, unit),
    queueTickets(db, p, { unit: unit.code, limit: 10 }),
    listWindows(deps, p, { unit: unit.code, current: '1', limit: 20 }),
    pageCtx(c),
  ]);
  // A unit with sub-units is read through them; its devices are listed where they are (a ward).
  const leaf = health.children.length === 0 && !problemsOnly;
  const devs = leaf
    ? await listDeviceViews(deps, p, { unit: unit.code, limit: PAGE, cursor: dcursor })
    : undefined;
  const children = health.children.slice(offset, offset + PAGE);
  const hostnames = await hostnamesOf(
    db,
    windows.items.map((w) => w.deviceId ?? ''),
  );
  return render(
    c,
    <FleetUnitPage
      ctx={ctx}
      d={{
        unit,
        ancestors,
        total: health.total,
        children,
        childPage: {
          offset,
          cursor,
          nextCursor: health.children.length > offset + PAGE ? encodeCursor([offset + PAGE]) : null,
        },
        problemsOnly,
        devices: devs && { items: devs.items, cursor: dcursor, nextCursor: devs.nextCursor },
        tickets: open.items,
        windows: windows.items,
        hostnames,
        canPolicy: allowed(p.grants, 'policy.read', unit),
      }}
    />,
  );
}

async function windowsPage(c: UiCtx, values: Record<string, string | undefined>, failure?: FormFailure) {
  const p = signedIn(c);
  requireFleet(p);
  const deps = c.get('deps');
  const past = c.req.query('past') === '1';
  const cursor = c.req.query('cursor') || undefined;
  const [res, units, ctx] = await Promise.all([
    listWindows(deps, p, { current: past ? '0' : '1', limit: PAGE, cursor }),
    pickableUnits(deps.store.read, p),
    pageCtx(c),
  ]);
  const hostnames = await hostnamesOf(
    deps.store.read,
    res.items.map((w) => w.deviceId ?? ''),
  );
  return render(
    c,
    <WindowsPage
      ctx={ctx}
      items={res.items}
      hostnames={hostnames}
      cursor={cursor}
      nextCursor={res.nextCursor}
      past={past}
      canWrite={grantsFor(p.grants, 'maintenance.write').length > 0}
      units={units.filter((u) => allowed(p.grants, 'maintenance.write', u))}
      state={{ values, errors: failure?.fields ?? {} }}
      message={failure?.message}
    />,
    failure?.status ?? 200,
  );
}

/** `YYYY-MM-DDTHH:MM` typed in Vietnam time → ISO instant; undefined when empty or not a time. */
function vnLocal(v: string | undefined): string | undefined {
  if (!v || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return undefined;
  const d = new Date(`${v}:00+07:00`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export const fleetPages = new Hono<UiEnv>()
  .get('/fleet', async (c) => {
    const p = signedIn(c);
    requireFleet(p);
    const roots = await scopeRoots(c.get('deps').store.read, p);
    // One top (the usual case): that unit's page. Several (a head of two wards): the first, whose
    // breadcrumbs and the unit tree lead to the others.
    if (roots.length === 0) throw fail.forbidden();
    return unitPage(c, roots[0]!.code);
  })
  .get('/fleet/units/:code', (c) => unitPage(c, c.req.param('code')))
  .get('/fleet/devices/:id', async (c) => {
    const p = signedIn(c);
    requireFleet(p);
    const deps = c.get('deps');
    const db = deps.store.read;
    const id = c.req.param('id');
    const now = deps.clock.now();
    const detail = await deviceDetail(deps, p, id);
    const period = (['24h', '7d', '30d'] as const).includes(c.req.query('period') as Period)
      ? (c.req.query('period') as Period)
      : '7d';
    const from = new Date(now.getTime() - PERIOD_MS[period]);
    const [unit, policy, metrics, tickets, windows, ctx] = await Promise.all([
      unitByCode(db, detail.unitCode),
      getDevicePolicy(deps, p, id),
      metricsOfDevice(db, id, detail.latest, from),
      deviceTickets(db, p, id),
      listWindows(deps, p, { deviceId: id, current: '1', limit: 20 }),
      pageCtx(c),
    ]);
    const asked = c.req.query('metric');
    const metric =
      asked && metrics.includes(asked) ? asked : (metrics.find((m) => m.startsWith('disk:')) ?? metrics[0]);
    const history = metric ? await metricHistory(db, id, metric, from, now) : [];
    return render(
      c,
      <DevicePage
        ctx={ctx}
        d={{
          device: detail,
          unitName: unit?.name ?? detail.unitCode,
          policy: policy.effective,
          metrics,
          metric,
          period,
          history,
          tickets,
          windows: windows.items,
          canRevoke: !!unit && allowed(p.grants, 'device.write', unit),
          canPolicy: !!unit && allowed(p.grants, 'policy.read', unit),
          ownPolicy: POLICY_KEYS.filter((k) => policy.own[k] !== undefined),
        }}
      />,
    );
  })
  .post('/fleet/devices/:id/revoke', async (c) => {
    const p = signedIn(c);
    const id = c.req.param('id');
    await revokeDevice(c.get('deps'), p, id);
    setFlash(c, 'success', 'deviceRevoked');
    return c.redirect(`/fleet/devices/${encodeURIComponent(id)}`, 303);
  })
  .get('/fleet/windows', (c) => windowsPage(c, emptyFieldState().values))
  .post('/fleet/windows', async (c) => {
    const p = signedIn(c);
    const deps = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    const form = c.get('form')!;
    const values = {
      ...valuesOf(form, ['unitCode', 'deviceId', 'startsAt', 'endsAt', 'repeat', 'until', 'reason']),
      byWeekday: form.getAll('byWeekday').join(','),
    };
    try {
      const fields: Record<string, string> = {};
      const startsAt = vnLocal(text(form, 'startsAt'));
      const endsAt = vnLocal(text(form, 'endsAt'));
      if (!startsAt) fields.startsAt = t.fleet.badTime;
      if (!endsAt) fields.endsAt = t.fleet.badTime;
      if (Object.keys(fields).length > 0)
        throw new ApiError('validation_failed', t.common.formHasErrors, {
          errors: Object.entries(fields).map(([path, message]) => ({ path, message })),
          localised: true,
        });
      const repeat = text(form, 'repeat');
      const days = form
        .getAll('byWeekday')
        .map(Number)
        .filter((d) => Number.isInteger(d));
      const input = validateForm(
        zMaintenanceWindowCreate,
        {
          unitCode: text(form, 'unitCode'),
          deviceId: text(form, 'deviceId'),
          startsAt,
          endsAt,
          reason: text(form, 'reason') ?? '',
          recurrence:
            repeat === 'daily' || repeat === 'weekly'
              ? {
                  freq: repeat,
                  ...(repeat === 'weekly' && days.length > 0 ? { byWeekday: days } : {}),
                  ...(vnLocal(text(form, 'until')) ? { until: vnLocal(text(form, 'until')) } : {}),
                }
              : null,
        },
        t,
        lang,
      );
      await createWindow(deps, p, input);
      setFlash(c, 'success', 'windowCreated');
      return c.redirect('/fleet/windows', 303);
    } catch (e) {
      const ff = formFailure(e, t, lang, { inputCodes: ['not_found', 'forbidden'], field: 'unitCode' });
      if (!ff) throw e;
      const fields = Object.fromEntries(
        Object.entries(ff.fields).map(([k, v]) => [k === 'recurrence.until' ? 'until' : k, v]),
      );
      return windowsPage(c, values, { ...ff, fields });
    }
  })
  .post('/fleet/windows/:id/cancel', async (c) => {
    const p = signedIn(c);
    await cancelWindow(c.get('deps'), p, c.req.param('id'));
    setFlash(c, 'success', 'windowCancelled');
    return c.redirect('/fleet/windows', 303);
  });
