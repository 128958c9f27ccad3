/**
 * The agent behind an HTTP proxy, with a tiny CONNECT proxy on loopback (no external network):
 * which proxy applies (enroll --proxy, HTTPS_PROXY/HTTP_PROXY, NO_PROXY), CONNECT tunnels for
 * https with the token only inside TLS, absolute-form for http, Basic auth from the URL, a 407 said
 * plainly — and the real agent process enrolling and reporting through it, backing off and keeping
 * its spool while the proxy is down.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  noProxyMatches,
  type ProxyRoute,
  parseProxyUrl,
  proxyFor,
  redactProxy,
  TunnelAgent,
} from '../../agent/net/proxy.js';
import { AgentTransport, TransportError } from '../../agent/net/transport.js';
import { zReport } from '../../shared/schemas/agent.js';
import { AgentBundle, removeTempDataDirs, tempDataDir, until } from './helpers/agent-process.js';
import { LoopbackProxy, selfSignedCert } from './helpers/connect-proxy.js';
import { StubServer } from './helpers/stub-server.js';

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('which proxy', () => {
  it.each([
    ['proxy.hanoi.gov.vn:3128', 'http://proxy.hanoi.gov.vn:3128/'],
    ['http://10.0.0.1:8080', 'http://10.0.0.1:8080/'],
    ['http://u%40x:p%3Ass@proxy:3128', 'http://u%40x:p%3Ass@proxy:3128/'],
    ['http://[fd00::1]:3128', 'http://[fd00::1]:3128/'],
  ])('%s is %s', (raw, href) => {
    expect(parseProxyUrl(raw).href).toBe(href);
  });

  it.each(['https://proxy:3128', 'socks5://proxy:1080', 'http://proxy:3128/path', 'http://:3128'])(
    'refuses %s',
    (raw) => {
      expect(() => parseProxyUrl(raw)).toThrow();
    },
  );

  it('hides the password when printed', () => {
    expect(redactProxy('http://can.bo:Mật-khẩu@proxy:3128')).toBe('http://can.bo:***@proxy:3128');
    expect(redactProxy('proxy:3128')).toBe('http://proxy:3128');
  });

  it.each<[string, string, boolean]>([
    ['*', 'https://onestop.hanoi.gov.vn', true],
    ['hanoi.gov.vn', 'https://onestop.hanoi.gov.vn', true],
    ['.hanoi.gov.vn', 'https://onestop.hanoi.gov.vn', true],
    ['*.hanoi.gov.vn', 'https://onestop.hanoi.gov.vn', true],
    ['hanoi.gov.vn', 'https://nothanoi.gov.vn', false],
    ['onestop.hanoi.gov.vn:443', 'https://onestop.hanoi.gov.vn', true],
    ['onestop.hanoi.gov.vn:8443', 'https://onestop.hanoi.gov.vn', false],
    ['localhost, 10.0.0.0/8', 'https://10.20.30.40:8787', true],
    ['10.0.0.0/8', 'https://11.0.0.1', false],
    ['192.168.1.10', 'http://192.168.1.10:8787', true],
    ['[fd00::1]', 'http://[fd00::1]:8787', true],
    ['', 'https://onestop.hanoi.gov.vn', false],
  ])('NO_PROXY=%j and %s → bypass %s', (noProxy, url, bypass) => {
    expect(noProxyMatches(noProxy, new URL(url))).toBe(bypass);
  });

  it('enroll --proxy wins; "direct" ignores the environment; else by the server’s scheme', () => {
    const env = {
      HTTPS_PROXY: 'http://secure-proxy:3128',
      http_proxy: 'http://plain-proxy:8080',
      NO_PROXY: 'intranet.local',
    };
    const https_ = new URL('https://onestop.hanoi.gov.vn');
    expect(proxyFor(https_, { setting: 'http://mine:3128', env })?.url.host).toBe('mine:3128');
    expect(proxyFor(https_, { setting: 'direct', env })).toBeUndefined();
    expect(proxyFor(https_, { env })).toMatchObject({ source: 'HTTPS_PROXY' });
    expect(proxyFor(https_, { env })?.url.host).toBe('secure-proxy:3128');
    expect(proxyFor(new URL('http://onestop.hanoi.gov.vn'), { env })?.url.host).toBe('plain-proxy:8080');
    expect(proxyFor(new URL('https://onestop.intranet.local'), { env })).toBeUndefined();
    expect(proxyFor(https_, { env: {} })).toBeUndefined();
    // Credentials leave the URL and become the Basic header.
    const r = proxyFor(https_, { setting: 'http://can.bo:p%40ss@proxy:3128', env: {} })!;
    expect(r.url.href).toBe('http://proxy:3128/');
    expect(r.authorization).toBe(basic('can.bo', 'p@ss'));
    expect(() => proxyFor(https_, { env: { HTTPS_PROXY: 'socks5://x:1' } })).toThrow(/HTTPS_PROXY/);
  });
});

describe('through a loopback proxy, in process', () => {
  let proxy: LoopbackProxy;
  let plain: StubServer;
  let tls: ReturnType<typeof selfSignedCert>;
  let secure: StubServer;
  beforeAll(async () => {
    proxy = await new LoopbackProxy().start();
    proxy.auth = basic('can.bo', 'p@ss');
    plain = await new StubServer().start();
    tls = selfSignedCert();
    secure = await new StubServer().start(0, tls);
  });
  afterAll(async () => {
    await proxy.stop();
    await plain.stop();
    await secure.stop();
    tls.remove();
  });

  const route = (): ProxyRoute =>
    proxyFor(new URL('http://x'), { setting: `http://can.bo:p%40ss@127.0.0.1:${proxy.port}`, env: {} })!;

  it('http: absolute-form requests with the proxy’s credentials', async () => {
    const t = new AgentTransport(plain.url, 'oda_stub', { userAgent: 'test', proxy: route() });
    expect((await t.pullConfig(undefined)).changed).toBe(true);
    const body = JSON.stringify({
      reports: [{ seq: 1, collectedAt: new Date().toISOString(), disks: [], targets: [], peripherals: [] }],
    });
    expect(await t.postReports(body)).toMatchObject({ accepted: 1 });
    const f = proxy.forwards.at(-1)!;
    expect(f.url).toBe(`${plain.url}/api/v1/agent/reports`);
    expect(f.headers['proxy-authorization']).toBe(basic('can.bo', 'p@ss'));
    expect(plain.seen.at(-1)).toMatchObject({
      url: '/api/v1/agent/reports',
      authorization: 'Bearer oda_stub',
    });
  });

  it('https: a CONNECT tunnel; the proxy sees host, port and its own credentials — never the token', async () => {
    const before = proxy.connects.length;
    proxy.tunnelled = Buffer.alloc(0);
    const agent = new TunnelAgent(route(), { keepAlive: true, maxSockets: 1, ca: tls.cert });
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        `${secure.url}/api/v1/agent/config`,
        { agent, headers: { authorization: 'Bearer oda_stub' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
    agent.destroy();
    expect(status).toBe(200);
    const c = proxy.connects.slice(before);
    expect(c).toHaveLength(1);
    expect(c[0]!.authority).toBe(new URL(secure.url).host);
    expect(c[0]!.headers['proxy-authorization']).toBe(basic('can.bo', 'p@ss'));
    expect(c[0]!.headers.authorization).toBeUndefined();
    expect(proxy.tunnelled.length).toBeGreaterThan(100);
    expect(proxy.tunnelled.includes('oda_stub')).toBe(false);
    expect(proxy.tunnelled.includes('Bearer')).toBe(false);
    expect(secure.seen.at(-1)).toMatchObject({
      url: '/api/v1/agent/config',
      authorization: 'Bearer oda_stub',
    });
  });

  it('wrong proxy credentials: a network failure that says 407 and what to check (never "token refused")', async () => {
    const wrong = proxyFor(new URL('http://x'), {
      setting: `http://can.bo:wrong@127.0.0.1:${proxy.port}`,
      env: {},
    })!;
    const viaTunnel = new AgentTransport(secure.url, 'oda_stub', { userAgent: 'test', proxy: wrong });
    const e1 = await viaTunnel.pullConfig(undefined).catch((e) => e as TransportError);
    expect(e1).toBeInstanceOf(TransportError);
    expect((e1 as TransportError).kind).toBe('network');
    expect((e1 as TransportError).message).toMatch(/407.*check the proxy user and password/);
    const absolute = new AgentTransport(plain.url, 'oda_stub', { userAgent: 'test', proxy: wrong });
    const e2 = (await absolute.pullConfig(undefined).catch((e) => e)) as TransportError;
    expect(e2.kind).toBe('unexpected');
    expect(e2.message).toMatch(/407 from the proxy/);
  });

  it('a proxy that refuses a destination with an HTML 403 is not a revoked token', async () => {
    const open = proxyFor(new URL('http://x'), {
      setting: `http://can.bo:p%40ss@127.0.0.1:${proxy.port}`,
      env: {},
    })!;
    // The proxy serves only loopback: asking it for another host gets its 403 page.
    const t = new AgentTransport('http://192.0.2.1:8787', 'oda_stub', { userAgent: 'test', proxy: open });
    const e = (await t.pullConfig(undefined).catch((x) => x)) as TransportError;
    expect(e.status).toBe(403);
    expect(e.kind).not.toBe('unauthorized');
  });
});

describe('the agent process behind a proxy', () => {
  let bundle: AgentBundle;
  let proxy: LoopbackProxy;
  let tls: ReturnType<typeof selfSignedCert>;
  let stub: StubServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    bundle = await AgentBundle.build();
    proxy = await new LoopbackProxy().start();
    proxy.auth = basic('can.bo', 'Mật khẩu');
    tls = selfSignedCert();
    stub = await new StubServer().start(0, tls);
    env = {
      NODE_EXTRA_CA_CERTS: tls.certFile,
      ONESTOP_AGENT_INTERVAL_MS: '150',
      ONESTOP_AGENT_MIN_DELIVERY_MS: '0',
      ONESTOP_AGENT_BACKOFF_MS: '200,600',
      ONESTOP_AGENT_INVENTORY: 'off',
    };
  });
  afterAll(async () => {
    bundle?.remove();
    await proxy?.stop().catch(() => {});
    await stub?.stop();
    tls?.remove();
    removeTempDataDirs();
  });

  const proxyUrl = () => `http://can.bo:${encodeURIComponent('Mật khẩu')}@127.0.0.1:${proxy.port}`;

  it('refuses an unusable --proxy with exit 2 and says how to write one', async () => {
    const r = await bundle.run(
      [
        'enroll',
        '--server',
        stub.url,
        '--token',
        'oet_good',
        '--data-dir',
        tempDataDir(),
        '--proxy',
        'socks5://p:1080',
        '--lang',
        'en',
      ],
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /proxy setting cannot be used.*unsupported proxy scheme.*http:\/\/\[user:password@\]proxy-host:port/s,
    );
  });

  it('enrolls through the proxy, stores it owner-only, reports through it; down → backoff, spool kept; back → delivered', async () => {
    const dir = tempDataDir();
    const enrolled = await bundle.run(
      [
        'enroll',
        '--server',
        stub.url,
        '--token',
        'oet_good',
        '--data-dir',
        dir,
        '--proxy',
        proxyUrl(),
        '--lang',
        'en',
      ],
      env,
    );
    expect(enrolled.code, enrolled.stderr).toBe(0);
    expect(proxy.connects.length).toBeGreaterThan(0);
    const settings = join(dir, 'settings.json');
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({ proxy: proxyUrl() });
    expect(statSync(settings).mode & 0o077).toBe(0);
    const st = await bundle.run(['status', '--data-dir', dir, '--lang', 'en'], env);
    expect(st.stdout).toContain(
      `Proxy:              http://can.bo:***@127.0.0.1:${proxy.port} (settings.json`,
    );
    expect(st.stdout).not.toContain('Mật khẩu');

    proxy.tunnelled = Buffer.alloc(0);
    stub.stored.clear();
    const agent = bundle.start(['run', '--data-dir', dir], env);
    await until(() => stub.stored.size >= 3, 'reports through the tunnel');
    expect(agent.events().find((e) => e.event === 'agent.started')?.proxy).toBe(
      `http://can.bo:***@127.0.0.1:${proxy.port} (settings.json (enroll --proxy))`,
    );
    expect(proxy.tunnelled.includes('oda_stub')).toBe(false);
    expect(proxy.connects.every((c) => c.headers.authorization === undefined)).toBe(true);

    // The proxy goes down: the agent keeps collecting into its spool and backs off.
    const port = proxy.port;
    await proxy.stop();
    const seenBefore = stub.stored.size;
    await until(() => agent.events().some((e) => e.event === 'deliver.failed'), 'a failed delivery');
    await until(
      async () =>
        /Spooled reports: +([3-9]|\d\d)/.test(
          (await bundle.run(['status', '--data-dir', dir, '--lang', 'en'], env)).stdout,
        ),
      'reports piling up in the spool',
    );
    const failed = agent.events().find((e) => e.event === 'deliver.failed')!;
    expect(String(failed.error)).toMatch(/ECONNREFUSED/);
    expect(stub.stored.size).toBeLessThanOrEqual(seenBefore + 1);
    // Back on the same port: everything spooled arrives, in order, once.
    await proxy.start(port);
    await until(
      async () =>
        /Spooled reports: +0 /.test(
          (await bundle.run(['status', '--data-dir', dir, '--lang', 'en'], env)).stdout,
        ),
      'the spool drained through the proxy',
    );
    const end = await agent.stop();
    expect(end.code, end.stderr).toBe(0);
    const seqs = stub.seqs();
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length);
    expect([...stub.stored.values()].every((v) => v.times === 1)).toBe(true);
    for (const v of stub.stored.values()) zReport.parse(v.body);
  });

  it('takes HTTPS_PROXY from the environment, honours NO_PROXY, and --proxy direct ignores both', async () => {
    const dir = tempDataDir();
    const direct = await bundle.run(
      ['enroll', '--server', stub.url, '--token', 'oet_good', '--data-dir', dir, '--lang', 'en'],
      env,
    );
    expect(direct.code, direct.stderr).toBe(0);
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
    const viaEnv = { ...env, HTTPS_PROXY: proxyUrl() };
    let before = proxy.connects.length;
    expect((await bundle.run(['once', '--data-dir', dir], viaEnv)).code).toBe(0);
    expect(proxy.connects.length).toBeGreaterThan(before);
    before = proxy.connects.length;
    expect((await bundle.run(['once', '--data-dir', dir], { ...viaEnv, NO_PROXY: '127.0.0.1' })).code).toBe(
      0,
    );
    expect(proxy.connects.length).toBe(before);
    // A dead proxy in the environment, and "direct" stored at enrollment: the agent goes straight.
    const dead = { ...env, HTTPS_PROXY: 'http://127.0.0.1:9' };
    expect((await bundle.run(['once', '--data-dir', dir], dead)).code).toBe(1);
    const again = await bundle.run(
      ['enroll', '--server', stub.url, '--token', 'oet_good', '--data-dir', dir, '--proxy', 'direct'],
      dead,
    );
    expect(again.code, again.stderr).toBe(0);
    expect((await bundle.run(['once', '--data-dir', dir], dead)).code).toBe(0);
    expect(proxy.connects.length).toBe(before);
  });
});
