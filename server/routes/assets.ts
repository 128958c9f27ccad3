/**
 * The equipment register, its suppliers, the equipment standard and compliance (PROTOCOL.md Additions).
 * Thin: parse with the shared schemas, call the service, answer. Import/export live in assets-io.ts.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  zAssetCreate,
  zAssetFaultReport,
  zAssetListQuery,
  zAssetUpdate,
  zComplianceQuery,
  zEquipmentStandardBody,
  zSupplierCreate,
  zSupplierUpdate,
} from '../../shared/schemas/assets.js';
import { zUnitCode } from '../../shared/schemas/common.js';
import { grantsFor } from '../domain/scope.js';
import { fail } from '../errors.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { jsonBody, queryOf } from '../http/validate.js';
import {
  assetSuggestions,
  createAsset,
  getAsset,
  listAssets,
  reportAssetFault,
  updateAsset,
} from '../services/assets.js';
import { complianceAfterChange, complianceFigures } from '../services/compliance.js';
import { putStandard, standardAt, standardVersions } from '../services/equipment-standard.js';
import { createSupplier, listSuppliers, updateSupplier } from '../services/suppliers.js';

const KB = 1024;

export const assetRoutes = new Hono<AppEnv>()
  .post('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const a = await createAsset(deps, p, await jsonBody(c, zAssetCreate, 32 * KB));
    await complianceAfterChange(deps, [a.unitCode]);
    c.header('location', `/api/v1/assets/${encodeURIComponent(a.id)}`);
    return c.json(a, 201);
  })
  .get('/', async (c) => {
    const p = requireUser(c);
    return c.json(await listAssets(c.get('deps'), p, queryOf(c, zAssetListQuery)));
  })
  .get('/suggestions', async (c) => {
    const p = requireUser(c);
    return c.json(
      await assetSuggestions(c.get('deps'), p, queryOf(c, z.object({ unit: zUnitCode.optional() }))),
    );
  })
  .get('/:id', async (c) => {
    const p = requireUser(c);
    return c.json(await getAsset(c.get('deps'), p, c.req.param('id')));
  })
  .patch('/:id', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const before = await getAsset(deps, p, c.req.param('id'));
    const a = await updateAsset(deps, p, c.req.param('id'), await jsonBody(c, zAssetUpdate, 32 * KB));
    await complianceAfterChange(deps, [before.unitCode, a.unitCode]);
    return c.json(a);
  })
  .post('/:id/report', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    const deps = c.get('deps');
    const t = await reportAssetFault(
      deps,
      p,
      c.req.param('id'),
      await jsonBody(c, zAssetFaultReport, 16 * KB),
    );
    c.header('location', `/api/v1/tickets/${encodeURIComponent(t.id)}`);
    return c.json(t, 201);
  });

export const supplierRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json(await listSuppliers(c.get('deps'), requireUser(c))))
  .post('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    return c.json(await createSupplier(c.get('deps'), p, await jsonBody(c, zSupplierCreate, 8 * KB)), 201);
  })
  .patch('/:id', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    return c.json(
      await updateSupplier(c.get('deps'), p, c.req.param('id'), await jsonBody(c, zSupplierUpdate, 8 * KB)),
    );
  });

export const equipmentStandardRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    requireUser(c);
    const deps = c.get('deps');
    return c.json(await standardAt(deps.store.read, deps.clock.now()));
  })
  .get('/versions', async (c) => {
    requireUser(c);
    return c.json({ items: await standardVersions(c.get('deps').store.read) });
  })
  .put('/', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    // Who may, before what: a caller without the right gets 403, not the schema's details.
    if (grantsFor(p.grants, 'standard.write').length === 0)
      throw fail.forbidden({
        vi: 'Chỉ quản trị viên được thay đổi tiêu chuẩn trang thiết bị.',
        en: 'Only administrators may change the equipment standard.',
      });
    const deps = c.get('deps');
    const v = await putStandard(deps, p, await jsonBody(c, zEquipmentStandardBody, 256 * KB));
    await complianceAfterChange(deps); // the whole city, once
    return c.json(v);
  });

export const complianceRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const p = requireUser(c);
  return c.json(await complianceFigures(c.get('deps'), p, queryOf(c, zComplianceQuery)));
});
