/**
 * Server-side render time of the web UI's pages (p50/p95 over repeated requests, in process through
 * `app.request`, so the figure is the server's work, not the socket's), with page weight (HTML bytes,
 * and gzipped as sent on a slow link). Data: Hanoi's 126 real commune-level units under the city,
 * 200 users with roles, 300 enrollment tokens. Phase 2 extends this to the queue with 100k tickets.
 */
import { gzipSync } from 'node:zlib';
import { createApp } from '../../../server/app.js';
import { hanoiUnits } from '../../e2e/helpers/hanoi.js';
import { ADMIN_PASSWORD, startTestServer } from '../../helpers/server.js';
import { UiClient } from '../../ui/helpers/ui-client.js';

const ROUNDS = Number(process.env.UI_BENCH_ROUNDS ?? 200);
const WARMUP = 20;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function run(): Promise<void> {
  const s = await startTestServer();
  try {
    const units = hanoiUnits();
    for (const u of units) {
      const r = await s.admin.post('/api/v1/units', {
        code: u.code,
        name: u.name,
        level: 'commune',
        parentCode: 'HN',
      });
      if (r.status !== 201) throw new Error(`seed ${u.code}: ${r.status}`);
    }
    const roles = ['it_staff', 'unit_head', 'viewer'] as const;
    for (let i = 0; i < 200; i++) {
      const unit = units[i % units.length]!;
      const r = await s.admin.post('/api/v1/users', {
        username: `canbo${String(i).padStart(3, '0')}`,
        password: 'mật-khẩu-đo-hiệu-năng',
        displayName: `Cán bộ ${unit.name} ${i}`,
        roles: [{ role: roles[i % 3], unitCode: unit.code }],
      });
      if (r.status !== 201) throw new Error(`seed user ${i}: ${r.status}`);
    }
    for (let i = 0; i < 300; i++) {
      await s.admin.post(`/api/v1/units/${units[i % units.length]!.code}/enrollment-tokens`, { maxUses: 5 });
    }

    const admin = new UiClient(s.url);
    await admin.signIn('admin', ADMIN_PASSWORD);
    const head = new UiClient(s.url);
    await head.signIn('canbo001', 'mật-khẩu-đo-hiệu-năng');
    const app = createApp(s.deps);

    const bearer = `Bearer ${s.admin.token}`;
    const pages: { label: string; path: string; cookie: string; auth?: string }[] = [
      // Baselines on the same machine at the same moment: the figures below are best read as ratios.
      { label: 'baseline: GET /healthz', path: '/healthz', cookie: '' },
      { label: 'baseline: API GET /api/v1/units/HN', path: '/api/v1/units/HN', cookie: '', auth: bearer },
      {
        label: 'baseline: API GET /api/v1/units (50)',
        path: '/api/v1/units?limit=50',
        cookie: '',
        auth: bearer,
      },
      { label: 'sign-in (anonymous)', path: '/login', cookie: '' },
      { label: 'home (admin)', path: '/', cookie: admin.cookieHeader() },
      { label: 'home (unit head)', path: '/', cookie: head.cookieHeader() },
      { label: 'unit tree: city, 50 of 126', path: '/admin/units', cookie: admin.cookieHeader() },
      { label: 'unit page: ward', path: `/admin/units/${units[0]!.code}`, cookie: admin.cookieHeader() },
      { label: 'unit search "hoa"', path: '/admin/units?q=hoa', cookie: admin.cookieHeader() },
      { label: 'users, 50 of 201', path: '/admin/users', cookie: admin.cookieHeader() },
      { label: 'enrollment, 50 of 300', path: '/admin/enrollment', cookie: admin.cookieHeader() },
    ];

    console.log(`rounds per page: ${ROUNDS} (after ${WARMUP} warm-up), sequential, in process`);
    console.log('| page | p50 ms | p95 ms | max ms | HTML KiB | gzip KiB |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const p of pages) {
      const headers: Record<string, string> = {};
      if (p.cookie) headers.cookie = p.cookie;
      if (p.auth) headers.authorization = p.auth;
      const req = () => app.request(`${s.url}${p.path}`, { headers });
      let html = '';
      for (let i = 0; i < WARMUP; i++) html = await (await req()).text();
      const times: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const t0 = performance.now();
        const res = await req();
        const body = await res.text();
        times.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`${p.path}: ${res.status}`);
        html = body;
      }
      times.sort((a, b) => a - b);
      const kib = (n: number) => (n / 1024).toFixed(1);
      console.log(
        `| ${p.label} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${times[times.length - 1]!.toFixed(1)} | ${kib(Buffer.byteLength(html))} | ${kib(gzipSync(html).length)} |`,
      );
    }
  } finally {
    await s.stop();
  }
}
