/**
 * The OpenAPI document covers every /api/v1 route the app serves (and names none it does not), every
 * request schema converts, and the served document is what a client can use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, type openApiDocument } from '../../server/routes/openapi.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.stop());

describe('OpenAPI', () => {
  it('lists exactly the routes the app serves', async () => {
    const { createApp } = await import('../../server/app.js');
    const app = createApp(s.deps);
    const served = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/'))
        .map((r) => `${r.method} ${r.path}`),
    );
    const documented = new Set(OPERATIONS.map((o) => `${o.method.toUpperCase()} /api/v1${o.path}`));
    expect(
      [...served].filter((r) => !documented.has(r)),
      'served but not documented',
    ).toEqual([]);
    expect(
      [...documented].filter((r) => !served.has(r)),
      'documented but not served',
    ).toEqual([]);
  });

  it('is a well-formed OpenAPI 3.1 document with a schema for every JSON body', async () => {
    const r = await s.anon.get('/api/v1/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body as ReturnType<typeof openApiDocument>;
    expect(doc.openapi).toBe('3.1.0');
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\/api\/v1\//);
      for (const [method, op] of Object.entries(ops) as [string, Record<string, any>][]) {
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method);
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['4XX', '5XX']));
        for (const p of op.parameters) if (p.in === 'path') expect(path).toContain(`{${p.name}}`);
        const json = op.requestBody?.content?.['application/json']?.schema;
        if (json) expect(json.type ?? json.anyOf ?? json.oneOf, `${method} ${path}`).toBeDefined();
      }
    }
    expect(doc.paths['/api/v1/assets/{id}']?.patch).toBeDefined();
    const create = (doc.paths['/api/v1/assets'] as any).post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(expect.arrayContaining(['unitCode', 'kind', 'name']));
    expect(create.properties.kind.enum).toContain('queue_machine');
    const list = (doc.paths['/api/v1/tickets'] as any).get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(expect.arrayContaining(['status', 'unit', 'limit', 'cursor']));
  });

  it('has a readable page', async () => {
    const r = await fetch(`${s.url}/api/docs`);
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toContain('/api/v1/compliance');
    expect(text).toContain('openapi.json');
  });
});
