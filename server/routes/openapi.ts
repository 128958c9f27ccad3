/**
 * The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the routes validate with
 * (zod's own JSON Schema, draft 2020-12 — OpenAPI 3.1's dialect). The catalogue below only says which
 * schema belongs to which route; a test fails when a route is added without an entry, or an entry
 * names a route that does not exist. Served at /api/v1/openapi.json and, readable, at /api/docs.
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import * as S from '../../shared/schemas/index.js';
import type { AppEnv } from '../http/context.js';
import { zComplianceExportQuery, zExportQuery, zFormat } from './assets-io.js';
import { zMarkRead, zNotificationQuery } from './notifications.js';

type Auth = 'user' | 'agent' | 'enroll' | 'none';

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono-style path below /api/v1 (`/tickets/:id`). */
  path: string;
  tag: string;
  summary: string;
  auth: Auth;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Request media types other than JSON (the register import takes CSV or XLSX). */
  bodyTypes?: string[];
  /** Success status and what it answers (default 200 JSON). */
  ok?: number;
  file?: boolean;
}

const idPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

const OPS: Operation[] = [
  // auth
  {
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    summary: 'Sign in: a bearer token and the user',
    auth: 'none',
    body: S.zLoginBody,
  },
  { method: 'post', path: '/auth/logout', tag: 'auth', summary: 'End this session', auth: 'user' },
  {
    method: 'get',
    path: '/auth/me',
    tag: 'auth',
    summary: 'The signed-in user and their roles',
    auth: 'user',
  },
  {
    method: 'post',
    path: '/auth/password',
    tag: 'auth',
    summary: 'Change one’s own password',
    auth: 'user',
    body: S.zPasswordChange,
  },
  {
    method: 'get',
    path: '/auth/sessions',
    tag: 'auth',
    summary: 'One’s own sessions',
    auth: 'user',
    query: S.zListQuery,
  },
  {
    method: 'post',
    path: '/auth/sessions/revoke-others',
    tag: 'auth',
    summary: 'End every other session',
    auth: 'user',
  },
  {
    method: 'delete',
    path: '/auth/sessions/:id',
    tag: 'auth',
    summary: 'End one of one’s sessions',
    auth: 'user',
  },
  // units and users
  {
    method: 'post',
    path: '/units',
    tag: 'units',
    summary: 'Create a unit',
    auth: 'user',
    body: S.zUnitCreate,
    ok: 201,
  },
  {
    method: 'get',
    path: '/units',
    tag: 'units',
    summary: 'Units in scope',
    auth: 'user',
    query: S.zListQuery,
  },
  { method: 'get', path: '/units/:code', tag: 'units', summary: 'One unit', auth: 'user' },
  {
    method: 'patch',
    path: '/units/:code',
    tag: 'units',
    summary: 'Change or move a unit',
    auth: 'user',
    body: S.zUnitUpdate,
  },
  {
    method: 'post',
    path: '/units/:code/archive',
    tag: 'units',
    summary: 'Archive a unit nothing lives at any more',
    auth: 'user',
  },
  {
    method: 'post',
    path: '/units/:code/enrollment-tokens',
    tag: 'agents',
    summary: 'An enrollment token for the unit’s PCs (shown once)',
    auth: 'user',
    body: S.zEnrollmentTokenCreate,
    ok: 201,
  },
  {
    method: 'get',
    path: '/units/:code/policy',
    tag: 'agents',
    summary: 'The unit’s effective check policy',
    auth: 'user',
  },
  {
    method: 'put',
    path: '/units/:code/policy',
    tag: 'agents',
    summary: 'Set the unit’s check policy overrides',
    auth: 'user',
    body: S.zPolicyPut,
  },
  {
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Create a user with roles',
    auth: 'user',
    body: S.zUserCreate,
    ok: 201,
  },
  { method: 'get', path: '/users', tag: 'users', summary: 'Users', auth: 'user', query: S.zListQuery },
  { method: 'get', path: '/users/:id', tag: 'users', summary: 'One user', auth: 'user' },
  {
    method: 'patch',
    path: '/users/:id',
    tag: 'users',
    summary: 'Change a user (roles, reset, disable)',
    auth: 'user',
    body: S.zUserUpdate,
  },
  // tickets
  {
    method: 'get',
    path: '/tickets',
    tag: 'tickets',
    summary: 'Tickets in scope',
    auth: 'user',
    query: S.zTicketListQuery,
  },
  {
    method: 'post',
    path: '/tickets',
    tag: 'tickets',
    summary: 'Open a manual ticket (routed by the matrix)',
    auth: 'user',
    body: S.zTicketCreate,
    ok: 201,
  },
  {
    method: 'get',
    path: '/tickets/:id',
    tag: 'tickets',
    summary: 'A ticket with its timeline',
    auth: 'user',
  },
  {
    method: 'get',
    path: '/tickets/:id/verify',
    tag: 'tickets',
    summary: 'Check the timeline’s hash chain',
    auth: 'user',
  },
  {
    method: 'post',
    path: '/tickets/:id/actions',
    tag: 'tickets',
    summary: 'Act on a ticket',
    auth: 'user',
    body: S.zTicketAction,
  },
  {
    method: 'post',
    path: '/tickets/:id/approval',
    tag: 'tickets',
    summary: 'Decide the current approval step',
    auth: 'user',
    body: S.zApprovalBody,
  },
  {
    method: 'get',
    path: '/deputies',
    tag: 'tickets',
    summary: 'Delegations',
    auth: 'user',
    query: S.zDeputyListQuery,
  },
  {
    method: 'post',
    path: '/deputies',
    tag: 'tickets',
    summary: 'Delegate a role for a date range',
    auth: 'user',
    body: S.zDeputyCreate,
    ok: 201,
  },
  { method: 'delete', path: '/deputies/:id', tag: 'tickets', summary: 'End a delegation', auth: 'user' },
  {
    method: 'get',
    path: '/notifications',
    tag: 'tickets',
    summary: 'One’s notifications',
    auth: 'user',
    query: zNotificationQuery,
  },
  {
    method: 'post',
    path: '/notifications/read',
    tag: 'tickets',
    summary: 'Mark notifications read',
    auth: 'user',
    body: zMarkRead,
  },
  {
    method: 'post',
    path: '/notifications/:id/read',
    tag: 'tickets',
    summary: 'Mark one notification read',
    auth: 'user',
  },
  {
    method: 'get',
    path: '/reports/sla',
    tag: 'tickets',
    summary: 'The SLA report (JSON or CSV)',
    auth: 'user',
    query: S.zSlaReportQuery,
  },
  // matrix and calendar
  { method: 'get', path: '/matrix', tag: 'matrix', summary: 'The active maintenance matrix', auth: 'user' },
  {
    method: 'put',
    path: '/matrix',
    tag: 'matrix',
    summary: 'Activate a new matrix version (validated)',
    auth: 'user',
    body: S.zMatrix,
  },
  {
    method: 'get',
    path: '/matrix/versions',
    tag: 'matrix',
    summary: 'Matrix versions',
    auth: 'user',
    query: S.zListQuery,
  },
  {
    method: 'get',
    path: '/matrix/versions/:version',
    tag: 'matrix',
    summary: 'One matrix version',
    auth: 'user',
  },
  {
    method: 'post',
    path: '/matrix/validate',
    tag: 'matrix',
    summary: 'Validate a candidate matrix (gaps, overlaps as cells)',
    auth: 'user',
    body: S.zMatrix,
  },
  {
    method: 'post',
    path: '/matrix/simulate',
    tag: 'matrix',
    summary: 'Route a hypothetical ticket',
    auth: 'user',
    body: S.zSimulate,
  },
  { method: 'get', path: '/calendar', tag: 'matrix', summary: 'The working calendar', auth: 'user' },
  {
    method: 'put',
    path: '/calendar',
    tag: 'matrix',
    summary: 'Set the working calendar',
    auth: 'user',
    body: S.zCalendar,
  },
  // agents and devices
  {
    method: 'post',
    path: '/agent/enroll',
    tag: 'agents',
    summary: 'Enrol a counter PC with an enrollment token',
    auth: 'enroll',
    body: S.zEnrollBody,
    ok: 201,
  },
  {
    method: 'get',
    path: '/agent/config',
    tag: 'agents',
    summary: 'The agent’s configuration (ETag)',
    auth: 'agent',
  },
  {
    method: 'post',
    path: '/agent/reports',
    tag: 'agents',
    summary: 'Deliver spooled reports (idempotent by seq)',
    auth: 'agent',
    body: S.zReportBatch,
  },
  {
    method: 'get',
    path: '/devices',
    tag: 'agents',
    summary: 'Enrolled PCs in scope',
    auth: 'user',
    query: S.zDeviceListQuery,
  },
  {
    method: 'get',
    path: '/devices/:id',
    tag: 'agents',
    summary: 'One PC with its latest readings and inventory',
    auth: 'user',
  },
  {
    method: 'get',
    path: '/devices/:id/policy',
    tag: 'agents',
    summary: 'The PC’s effective check policy',
    auth: 'user',
  },
  {
    method: 'put',
    path: '/devices/:id/policy',
    tag: 'agents',
    summary: 'Set the PC’s policy overrides',
    auth: 'user',
    body: S.zPolicyPut,
  },
  {
    method: 'post',
    path: '/devices/:id/revoke',
    tag: 'agents',
    summary: 'Revoke a PC’s agent token',
    auth: 'user',
  },
  {
    method: 'post',
    path: '/maintenance-windows',
    tag: 'agents',
    summary: 'Declare a maintenance window',
    auth: 'user',
    body: S.zMaintenanceWindowCreate,
    ok: 201,
  },
  {
    method: 'get',
    path: '/maintenance-windows',
    tag: 'agents',
    summary: 'Maintenance windows',
    auth: 'user',
    query: S.zMaintenanceWindowQuery,
  },
  {
    method: 'get',
    path: '/maintenance-windows/:id',
    tag: 'agents',
    summary: 'One maintenance window',
    auth: 'user',
  },
  {
    method: 'delete',
    path: '/maintenance-windows/:id',
    tag: 'agents',
    summary: 'Cancel a maintenance window',
    auth: 'user',
  },
  // equipment
  {
    method: 'post',
    path: '/assets',
    tag: 'equipment',
    summary: 'Register equipment',
    auth: 'user',
    body: S.zAssetCreate,
    ok: 201,
  },
  {
    method: 'get',
    path: '/assets',
    tag: 'equipment',
    summary: 'The register in scope',
    auth: 'user',
    query: S.zAssetListQuery,
  },
  {
    method: 'get',
    path: '/assets/suggestions',
    tag: 'equipment',
    summary: 'Peripherals agents see that are not registered',
    auth: 'user',
    query: z.object({ unit: S.zUnitCode.optional() }),
  },
  {
    method: 'get',
    path: '/assets/:id',
    tag: 'equipment',
    summary: 'An asset with its repair history and timeline',
    auth: 'user',
  },
  {
    method: 'patch',
    path: '/assets/:id',
    tag: 'equipment',
    summary: 'Change an asset (a status change is recorded)',
    auth: 'user',
    body: S.zAssetUpdate,
  },
  {
    method: 'post',
    path: '/assets/:id/report',
    tag: 'equipment',
    summary: 'Report a fault (opens a ticket, sets the asset broken)',
    auth: 'user',
    body: S.zAssetFaultReport,
    ok: 201,
  },
  {
    method: 'post',
    path: '/assets/import',
    tag: 'equipment',
    summary: 'Import a CSV or XLSX register (dry run, or all or nothing)',
    auth: 'user',
    query: z.object({ dryRun: z.enum(['0', '1']) }),
    bodyTypes: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  },
  {
    method: 'get',
    path: '/assets/export',
    tag: 'equipment',
    summary: 'Export the register (CSV or XLSX)',
    auth: 'user',
    query: zExportQuery,
    file: true,
  },
  {
    method: 'get',
    path: '/assets/import-template',
    tag: 'equipment',
    summary: 'The import template in Vietnamese',
    auth: 'user',
    query: z.object({ format: zFormat }),
    file: true,
  },
  { method: 'get', path: '/suppliers', tag: 'equipment', summary: 'Suppliers', auth: 'user' },
  {
    method: 'post',
    path: '/suppliers',
    tag: 'equipment',
    summary: 'Add a supplier',
    auth: 'user',
    body: S.zSupplierCreate,
    ok: 201,
  },
  {
    method: 'patch',
    path: '/suppliers/:id',
    tag: 'equipment',
    summary: 'Change a supplier',
    auth: 'user',
    body: S.zSupplierUpdate,
  },
  {
    method: 'get',
    path: '/equipment-standard',
    tag: 'equipment',
    summary: 'The equipment standard in force',
    auth: 'user',
  },
  {
    method: 'get',
    path: '/equipment-standard/versions',
    tag: 'equipment',
    summary: 'Every version of the standard',
    auth: 'user',
  },
  {
    method: 'put',
    path: '/equipment-standard',
    tag: 'equipment',
    summary: 'Save a new version of the standard',
    auth: 'user',
    body: S.zEquipmentStandardBody,
  },
  {
    method: 'get',
    path: '/compliance',
    tag: 'equipment',
    summary: 'Compliance figures of a subtree, now or at a date',
    auth: 'user',
    query: S.zComplianceQuery,
  },
  {
    method: 'get',
    path: '/compliance/export',
    tag: 'equipment',
    summary: 'Compliance figures as CSV or XLSX',
    auth: 'user',
    query: zComplianceExportQuery,
    file: true,
  },
  // this document
  { method: 'get', path: '/openapi.json', tag: 'operations', summary: 'This document', auth: 'none' },
];

export const OPERATIONS: readonly Operation[] = OPS;

const jsonSchema = (s: z.ZodType) =>
  z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;

function parameters(op: Operation) {
  const out: Record<string, unknown>[] = [];
  for (const m of op.path.matchAll(/:(\w+)/g))
    out.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
  if (op.query) {
    const js = jsonSchema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(js.properties ?? {}))
      out.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema });
  }
  return out;
}

const PROBLEM = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const TAGS: Record<string, string> = {
  auth: 'Signing in and one’s own sessions',
  units: 'The unit tree',
  users: 'Users and their roles',
  tickets: 'Tickets, approvals, delegations, notifications and the SLA report',
  matrix: 'The maintenance matrix and the working calendar',
  agents: 'Counter PCs: enrolment, reports, devices, check policy, maintenance windows',
  equipment: 'The equipment register, the equipment standard and compliance',
  operations: 'This document',
};

const SECURITY: Record<Auth, unknown[] | undefined> = {
  user: [{ session: [] }, { cookie: [] }],
  agent: [{ agentToken: [] }],
  enroll: [],
  none: [],
};

/** The document (built per call: a few milliseconds, and nothing to keep in sync). */
export function openApiDocument(serverUrl = '/') {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPS) {
    const p = `/api/v1${idPath(op.path)}`;
    const ok = op.ok ?? 200;
    const body = op.body
      ? { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } }
      : op.bodyTypes
        ? {
            required: true,
            content: Object.fromEntries(
              op.bodyTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
            ),
          }
        : undefined;
    paths[p] ??= {};
    paths[p][op.method] = {
      operationId: `${op.method}${op.path.replace(/[/:{}.-](\w)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      tags: [op.tag],
      summary: op.summary,
      security: SECURITY[op.auth],
      parameters: parameters(op),
      ...(body ? { requestBody: body } : {}),
      responses: {
        [String(ok)]: op.file
          ? {
              description: 'The file',
              content: {
                'text/csv': {},
                'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {},
              },
            }
          : { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
        '4XX': PROBLEM('The request cannot be done as sent (problem details, in the caller’s language)'),
        '5XX': PROBLEM('The server or its database failed (problem details with a request id)'),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'onestop-care',
      version: '1',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      description:
        'Equipment health and repair tickets for Vietnam’s one-stop counters. The contract is PROTOCOL.md; request schemas here are generated from the zod schemas the server validates with.',
    },
    servers: [{ url: serverUrl }],
    tags: [...new Set(OPS.map((o) => o.tag))].map((name) => ({ name, description: TAGS[name] ?? name })),
    paths,
    components: {
      securitySchemes: {
        session: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/v1/auth/login' },
        cookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'onestop_session',
          description: 'The web UI’s session cookie (with x-csrf-token on writes)',
        },
        agentToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'Agent token from POST /api/v1/agent/enroll',
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object' } },
          },
        },
      },
    },
  };
}

export const openApiRoutes = new Hono<AppEnv>().get('/openapi.json', (c) => {
  c.header('cache-control', 'public, max-age=300');
  return c.json(openApiDocument(new URL(c.req.url).origin));
});

/** A readable list of the operations (no outside script or style: the CSP forbids them anyway). */
export const apiDocsPage = new Hono<AppEnv>().get('/api/docs', (c) => {
  const rows = OPS.map(
    (o) =>
      html`<tr><td><code>${o.method.toUpperCase()}</code></td><td><code>/api/v1${o.path}</code></td><td>${o.summary}</td><td>${o.body ? 'JSON' : o.bodyTypes ? o.bodyTypes.join(', ') : ''}</td></tr>`,
  );
  return c.html(
    html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>onestop-care API</title></head><body><h1>onestop-care API v1</h1><p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Contract: PROTOCOL.md.</p><table><thead><tr><th>method</th><th>path</th><th>what</th><th>body</th></tr></thead><tbody>${rows}</tbody></table></body></html>`,
  );
});
