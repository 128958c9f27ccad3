/** /metrics: Prometheus text, open by default, behind METRICS_TOKEN when it is set. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ env: { METRICS_TOKEN: 'scrape-secret' } });
});
afterAll(async () => s?.stop());

describe('/metrics with METRICS_TOKEN', () => {
  it('refuses a scrape without the token, or with a wrong one, as problem+json 401', async () => {
    const none = await s.anon.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await s.anon.withToken('wrong').get('/metrics')).status).toBe(401);
    // A user's session token is not a scrape token.
    expect((await s.admin.get('/metrics')).status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="onestop-care"');
  });

  it('counts HTTP requests by route group and status class, never by raw path', async () => {
    const scrape = async () => (await s.anon.get('/metrics', { authorization: 'Bearer scrape-secret' })).text;
    const count = (text: string, labels: string) =>
      Number(new RegExp(`^onestop_http_requests_total\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const before = await scrape();
    await s.admin.get('/api/v1/units');
    await s.admin.get('/api/v1/units/HN');
    await s.anon.get('/api/v1/units');
    await s.admin.get('/api/v1/no-such-thing/42');
    const after = await scrape();
    expect(count(after, 'code="2xx",group="units"') - count(before, 'code="2xx",group="units"')).toBe(2);
    expect(count(after, 'code="4xx",group="units"') - count(before, 'code="4xx",group="units"')).toBe(1);
    expect(count(after, 'code="4xx",group="api_other"') - count(before, 'code="4xx",group="api_other"')).toBe(
      1,
    );
    expect(after).not.toContain('no-such-thing');
  });

  it('serves the Prometheus text format with the token', async () => {
    const r = await s.anon.get('/metrics', { authorization: 'Bearer scrape-secret' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'onestop_reports_ingested_total',
      'onestop_report_batches_rejected_total',
      'onestop_ingest_duration_seconds',
    ])
      expect(r.text).toContain(`# TYPE ${name}`);
    // Every sample line is "name{labels} value".
    for (const line of r.text.split('\n').filter((l) => l && !l.startsWith('#')))
      expect(line).toMatch(
        /^[a-z_:][a-z0-9_:]*(\{[^}]*\})? -?[0-9.e+]+$|^[a-z_:][a-z0-9_:]*(\{[^}]*\})? (NaN|\+Inf)$/i,
      );
  });

  it('keeps health and readiness open for the orchestrator', async () => {
    expect((await s.anon.get('/healthz')).status).toBe(200);
    expect((await s.anon.get('/readyz')).status).toBe(200);
  });
});
