/**
 * The register as a spreadsheet (PROTOCOL.md Additions, "Equipment register and the equipment
 * standard"): import, export, the import template, and the compliance figures as a workbook.
 * Mounted at /assets BEFORE assetRoutes (whose `/:id` would take `/export`), and the compliance export
 * at /compliance before complianceRoutes. Thin: who may, what was sent, then the service.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { zAssetListQuery, zComplianceQuery } from '../../shared/schemas/assets.js';
import { ApiError } from '../errors.js';
import { type AppEnv, clientIp, requireUser } from '../http/context.js';
import { langOf } from '../http/problem.js';
import { queryOf, readBodyLimited } from '../http/validate.js';
import {
  exportCompliance,
  exportRegister,
  IMPORT_MAX_BYTES,
  importRegister,
  importTemplate,
  requireImporter,
  type SheetFile,
  uploadFormat,
} from '../services/asset-io.js';

/** CSV unless asked otherwise: it works on every runtime (XLSX needs the Node server's codec). */
export const zFormat = z.enum(['csv', 'xlsx']).default('csv');

export const zExportQuery = zAssetListQuery.pick({ unit: true, kind: true, status: true, q: true }).extend({
  format: zFormat,
});
export const zComplianceExportQuery = zComplianceQuery.extend({ format: zFormat });

/** `dryRun=1|0` is required: an import must say whether it is a rehearsal (400 otherwise). */
function dryRunOf(c: Context<AppEnv>): boolean {
  const v = c.req.query('dryRun');
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new ApiError('bad_request', {
    vi: 'Hãy cho biết chỉ kiểm tra (dryRun=1) hay nhập thật (dryRun=0) trong địa chỉ yêu cầu.',
    en: 'Say whether to check only (dryRun=1) or to import (dryRun=0) in the query string.',
  });
}

function fileResponse(c: Context<AppEnv>, f: SheetFile): Response {
  return c.body(f.bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': f.contentType,
    'content-disposition': `attachment; filename="${f.filename}"`,
  });
}

export const assetIoRoutes = new Hono<AppEnv>()
  .post('/import', async (c) => {
    const p = { ...requireUser(c), ip: clientIp(c) };
    // Who may and what was sent, before a byte of the body is read.
    requireImporter(p);
    const dryRun = dryRunOf(c);
    const deps = c.get('deps');
    const format = uploadFormat(deps, c.req.header('content-type'));
    const bytes = await readBodyLimited(c, IMPORT_MAX_BYTES);
    return c.json(await importRegister(deps, p, { format, bytes }, { dryRun, lang: langOf(c) }));
  })
  .get('/export', async (c) => {
    const p = requireUser(c);
    const { format, ...filter } = queryOf(c, zExportQuery);
    return fileResponse(c, await exportRegister(c.get('deps'), p, filter, format));
  })
  .get('/import-template', async (c) => {
    const p = requireUser(c);
    const { format } = queryOf(c, z.object({ format: zFormat }));
    return fileResponse(c, await importTemplate(c.get('deps'), p, format));
  });

export const complianceExportRoutes = new Hono<AppEnv>().get('/export', async (c) => {
  const p = requireUser(c);
  const { format, ...q } = queryOf(c, zComplianceExportQuery);
  return fileResponse(c, await exportCompliance(c.get('deps'), p, q, format));
});
