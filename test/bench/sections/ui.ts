/**
 * Server-side render time of the web UI's pages (p50/p95 over repeated requests, in process through
 * `app.request`, so the figure is the server's work, not the socket's), with page weight (HTML bytes,
 * and gzipped as sent on a slow link).
 *
 * Data: Hanoi's 126 real commune-level units under the city, 200 users with roles plus a unit head per
 * commune, 300 enrollment tokens, and 100 000 tickets over the past year written straight into the
 * database (the API would take minutes to open them one by one): communes weighted unevenly as real
 * demand is, ~93 % resolved or closed, the rest live in every status with SLA deadlines around now,
 * approval steps for those awaiting approval. A handful of tickets are worked through the real API so
 * their pages have a real timeline. `UI_BENCH_TICKETS` and `UI_BENCH_ROUNDS` scale it down;
 * `UI_BENCH_ONLY` picks pages by label.
 */

import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { createApp } from '../../../server/app.js';
import type { LibsqlStore } from '../../../server/db/libsql.js';
import {
  approvalSteps,
  devices,
  peripheralsSeen,
  rollups,
  tickets,
  units as unitsTable,
} from '../../../server/db/schema.js';
import { vnDayOf } from '../../../server/domain/sla-report.js';
import { hanoiUnits } from '../../e2e/helpers/hanoi.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../../helpers/server.js';
import { UiClient } from '../../ui/helpers/ui-client.js';

const ROUNDS = Number(process.env.UI_BENCH_ROUNDS ?? 200);
const TICKETS = Number(process.env.UI_BENCH_TICKETS ?? 100_000);
const WARMUP = 20;
/** Measure only the pages whose label contains this (plus the baselines), e.g. `SLA report`. */
const ONLY = process.env.UI_BENCH_ONLY;
const PASSWORD = 'mật-khẩu-đo-hiệu-năng';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A small deterministic generator, so two runs measure the same data. */
function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const TITLES: [string, string][] = [
  ['peripheral', 'Máy quét hồ sơ không nhận lệnh quét'],
  ['peripheral', 'Máy in phiếu hẹn in mờ, cần thay hộp mực'],
  ['hardware', 'Máy tính quầy tiếp nhận không khởi động được'],
  ['hardware', 'Ổ đĩa C: sắp đầy, còn dưới 5 %'],
  ['network', 'Mất kết nối tới Cổng dịch vụ công quốc gia'],
  ['network', 'Đường truyền chập chờn, tốc độ rất chậm'],
  ['software', 'Phần mềm một cửa báo lỗi chữ ký số'],
  ['upstream', 'Hệ thống thông tin giải quyết TTHC của Thành phố gián đoạn'],
];
const SEVERITIES = ['critical', 'major', 'major', 'minor', 'minor', 'minor'];
const LIVE: [string, number][] = [
  ['open', 0.3],
  ['acknowledged', 0.15],
  ['in_progress', 0.3],
  ['awaiting_approval', 0.1],
  ['approved', 0.05],
  ['waiting_parts', 0.05],
  ['rejected', 0.05],
];

/** Writes `n` tickets straight into the database, in batches through the store's writer. */
export async function seedTickets(
  s: TestServer,
  n: number,
  itId: string,
  /** Devices by unit id: agent tickets name one of their unit's PCs (as detection does). */
  devicesOf: Map<string, string[]> = new Map(),
) {
  const db = s.deps.store.read;
  const all = await db.select().from(unitsTable);
  const root = all.find((u) => !u.parentId)!;
  const communes = all.filter((u) => u.parentId === root.id);
  // Uneven demand: a few wards (dense, central) raise far more tickets than rural communes.
  const weights = communes.map((_, i) => 1 / (1 + i) ** 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  for (const w of weights) cumulative.push((cumulative[cumulative.length - 1] ?? 0) + w / total);
  const pick = (r: number) =>
    communes[
      Math.max(
        0,
        cumulative.findIndex((c) => r <= c),
      )
    ] ?? communes[0]!;
  const rand = rng(42);
  const now = Date.now();
  const YEAR = 365 * 86_400_000;
  const HOUR = 3_600_000;
  const explanation = {
    vi: 'Quy tắc «commune-major-b0» (ma trận phiên bản 1) áp dụng vì … (dữ liệu đo hiệu năng)',
    en: 'Rule "commune-major-b0" (matrix version 1) applies because … (benchmark data)',
  };
  const live = Math.round(n * 0.07);
  const start = Number((await db.select({ m: sql<number>`coalesce(max(number), 0)` }).from(tickets))[0]!.m);
  const BATCH = 400;
  const busiest = communes[0]!;
  for (let i0 = 0; i0 < n; i0 += BATCH) {
    const rows: (typeof tickets.$inferInsert)[] = [];
    const steps: (typeof approvalSteps.$inferInsert)[] = [];
    for (let i = i0; i < Math.min(n, i0 + BATCH); i++) {
      const unit = pick(rand());
      const [category, title] = TITLES[Math.floor(rand() * TITLES.length)]!;
      const severity = SEVERITIES[Math.floor(rand() * SEVERITIES.length)]!;
      const isLive = i >= n - live;
      let status = rand() < 0.8 ? 'closed' : 'resolved';
      if (isLive) {
        const r = rand();
        let acc = 0;
        status = 'open';
        for (const [st, share] of LIVE) {
          acc += share;
          if (r < acc) {
            status = st;
            break;
          }
        }
      }
      const createdAt = isLive ? now - rand() * 10 * 86_400_000 : now - 11 * 86_400_000 - rand() * YEAR;
      const responded = status !== 'open';
      const respondBy = createdAt + (4 + rand() * 20) * HOUR;
      const resolveBy = createdAt + (24 + rand() * 200) * HOUR;
      const cost =
        status === 'awaiting_approval' || rand() < 0.2 ? Math.round(1 + rand() * 60) * 500_000 : null;
      const id = `bench${String(i).padStart(7, '0')}`;
      const source = rand() < 0.6 ? 'agent' : 'manual';
      const pcs = devicesOf.get(unit.id) ?? [];
      rows.push({
        id,
        number: start + i + 1,
        title: `${title} (${unit.name})`,
        unitId: unit.id,
        category,
        severity,
        source,
        deviceId: source === 'agent' && pcs.length > 0 ? pcs[Math.floor(rand() * pcs.length)]! : null,
        status,
        handlerRole: 'it_staff',
        handlerUnitId: root.id,
        assigneeId: responded && rand() < 0.7 ? itId : null,
        costEstimateVnd: cost,
        estimatedBy: cost !== null ? itId : null,
        ruleId: 'commune-major-b0',
        matrixVersion: 1,
        explanation,
        approvalRound: status === 'awaiting_approval' ? 1 : 0,
        sla: {
          respondMinutes: 240,
          resolveMinutes: 1440,
          approveMinutes: 480,
          clock:
            status === 'awaiting_approval' || status === 'waiting_parts'
              ? 'paused'
              : isLive
                ? 'running'
                : 'stopped',
          usedMinutes: 0,
          pausedMinutes: 0,
          calendarAt: null,
        },
        respondBy: new Date(respondBy),
        resolveBy: new Date(resolveBy),
        respondedAt: responded ? new Date(createdAt + rand() * 3 * HOUR) : null,
        createdAt: new Date(createdAt),
        updatedAt: new Date(createdAt + HOUR),
        resolvedAt: isLive ? null : new Date(createdAt + (2 + rand() * 100) * HOUR),
        closedAt: status === 'closed' ? new Date(createdAt + 150 * HOUR) : null,
      });
      if (status === 'awaiting_approval') {
        steps.push({
          ticketId: id,
          round: 1,
          step: 1,
          role: 'unit_head',
          unitId: unit.id,
          startedAt: new Date(createdAt + 2 * HOUR),
          dueAt: new Date(now + (rand() - 0.3) * 48 * HOUR),
        });
        if ((cost ?? 0) >= 20_000_000)
          steps.push({ ticketId: id, round: 1, step: 2, role: 'unit_head', unitId: root.id });
      }
    }
    await s.deps.store.write(async (tx) => {
      await tx.insert(tickets).values(rows);
      if (steps.length > 0) await tx.insert(approvalSteps).values(steps);
    });
  }
  // Statistics for the planner: maintenance, not a use case, so straight on the writer connection.
  await (s.deps.store as LibsqlStore).writerClient.execute('ANALYZE');
  return { busiest };
}

/**
 * Counter PCs written straight into the database: a few per commune (more in the busy wards), most
 * fine, some degraded, silent or in maintenance, each with a latest report and three peripherals;
 * one PC of the busiest ward with a week of hourly rollups for its history chart.
 */
export async function seedDevices(
  s: TestServer,
): Promise<{ deviceId: string; count: number; byUnit: Map<string, string[]> }> {
  const db = s.deps.store.read;
  const all = await db.select().from(unitsTable);
  const root = all.find((u) => !u.parentId)!;
  const communes = all.filter((u) => u.parentId === root.id);
  const rand = rng(7);
  const now = Date.now();
  const rows: (typeof devices.$inferInsert)[] = [];
  const periph: (typeof peripheralsSeen.$inferInsert)[] = [];
  communes.forEach((u, ci) => {
    const n = Math.max(3, Math.round(16 / (1 + ci) ** 0.35));
    for (let i = 1; i <= n; i++) {
      const r = rand();
      const status = r < 0.85 ? 'ok' : r < 0.92 ? 'degraded' : r < 0.97 ? 'silent' : 'maintenance';
      const id = `benchdev${String(rows.length).padStart(5, '0')}`;
      const seen = status === 'silent' ? now - (10 + rand() * 300) * 60_000 : now - rand() * 60_000;
      const free = status === 'degraded' ? 3 + rand() * 6 : 20 + rand() * 60;
      const size = 256 * 1024 ** 3;
      rows.push({
        id,
        unitId: u.id,
        hostname: `MOTCUA-${u.code}-${String(i).padStart(2, '0')}`,
        hardwareId: `HW-${id}`,
        os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
        agentVersion: '0.1.0',
        tokenHash: null,
        enrolledAt: new Date(now - 200 * 86_400_000),
        lastSeenAt: new Date(seen),
        lastSeq: 4000,
        reportsReceived: 4000,
        status,
        latest: {
          seq: 4000,
          collectedAt: new Date(seen).toISOString(),
          disks: [
            {
              mount: 'C:',
              fs: 'NTFS',
              sizeBytes: size,
              usedBytes: Math.round(size * (1 - free / 100)),
              smart: 'ok',
            },
          ],
          targets: ['dvc-quoc-gia', 'dvc-ha-noi', 'motcua-ha-noi'].map((t) => ({
            id: t,
            ok: true,
            latencyMs: 30 + rand() * 200,
          })),
          peripherals: [],
          system: { cpuLoadPct: rand() * 60, memUsedPct: 30 + rand() * 50, uptimeSec: 3600 * 8 },
          agent: { version: '0.1.0', spooled: 0 },
        },
        latestAt: new Date(seen),
        createdAt: new Date(now - 200 * 86_400_000),
        updatedAt: new Date(seen),
      });
      for (const [kind, name] of [
        ['scanner', 'Fujitsu fi-7160'],
        ['printer', 'Canon LBP2900'],
        ['card_reader', 'Đầu đọc CCCD gắn chip'],
      ] as const)
        periph.push({
          deviceId: id,
          key: `${kind}|${name}`,
          kind,
          name,
          connected: true,
          firstSeenAt: new Date(now - 200 * 86_400_000),
          lastSeenAt: new Date(seen),
        });
    }
  });
  const deviceId = rows[0]!.id;
  const hourly: (typeof rollups.$inferInsert)[] = [];
  const HOUR = 3_600_000;
  const metrics = [
    'disk:C:/freePct',
    'system/cpuLoadPct',
    'system/memUsedPct',
    ...['dvc-quoc-gia', 'dvc-ha-noi', 'motcua-ha-noi'].flatMap((t) => [
      `target:${t}/latencyMs`,
      `target:${t}/ok`,
    ]),
  ];
  for (let h = 24 * 7; h >= 1; h--)
    for (const metric of metrics) {
      const v = metric.endsWith('/ok') ? 1 : 20 + rand() * 60;
      hourly.push({
        deviceId,
        metric,
        hour: new Date(Math.floor((now - h * HOUR) / HOUR) * HOUR),
        min: v * 0.8,
        max: v * 1.2,
        sum: v * 60,
        count: 60,
      });
    }
  for (let i = 0; i < rows.length; i += 200)
    await s.deps.store.write((tx) => tx.insert(devices).values(rows.slice(i, i + 200)));
  for (let i = 0; i < periph.length; i += 300)
    await s.deps.store.write((tx) => tx.insert(peripheralsSeen).values(periph.slice(i, i + 300)));
  for (let i = 0; i < hourly.length; i += 300)
    await s.deps.store.write((tx) => tx.insert(rollups).values(hourly.slice(i, i + 300)));
  const byUnit = new Map<string, string[]>();
  for (const r of rows) byUnit.set(r.unitId, [...(byUnit.get(r.unitId) ?? []), r.id]);
  return { deviceId, count: rows.length, byUnit };
}

export async function run(): Promise<void> {
  const s = await startTestServer();
  try {
    const t0 = performance.now();
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
        password: PASSWORD,
        displayName: `Cán bộ ${unit.name} ${i}`,
        roles: [{ role: roles[i % 3], unitCode: unit.code }],
      });
      if (r.status !== 201) throw new Error(`seed user ${i}: ${r.status}`);
    }
    for (let i = 0; i < 300; i++) {
      await s.admin.post(`/api/v1/units/${units[i % units.length]!.code}/enrollment-tokens`, { maxUses: 5 });
    }
    const it = await s.admin.post('/api/v1/users', {
      username: 'it.thanhpho',
      password: PASSWORD,
      displayName: 'Cán bộ CNTT Thành phố',
      roles: [{ role: 'it_staff', unitCode: 'HN' }],
    });
    const headUser = await s.admin.post('/api/v1/users', {
      username: 'lanhdao.phuong',
      password: PASSWORD,
      displayName: `Lãnh đạo ${units[0]!.name}`,
      roles: [{ role: 'unit_head', unitCode: units[0]!.code }],
    });
    if (it.status !== 201 || headUser.status !== 201) throw new Error('seed people');
    const fleet = await seedDevices(s);
    const seeded = await seedTickets(s, TICKETS, it.body.id, fleet.byUnit);
    if (seeded.busiest.code !== units[0]!.code) throw new Error('the busiest commune is not the first one');

    // A ticket worked through the API, so its page has a real timeline and approval chain. (The long
    // seeding outlived the server's keep-alive: the first request may meet a closed pooled socket.)
    const itApi = await s.anon
      .login('it.thanhpho', PASSWORD)
      .catch(() => s.anon.login('it.thanhpho', PASSWORD));
    const opened = await itApi.post('/api/v1/tickets', {
      unitCode: units[0]!.code,
      category: 'hardware',
      severity: 'major',
      title: 'Thay ổ cứng SSD cho máy tính quầy trả kết quả',
      description: 'Ổ cứng báo lỗi SMART, máy khởi động chậm.',
    });
    const tid = opened.body.id as string;
    for (const a of [
      { action: 'acknowledge' },
      { action: 'assign' },
      { action: 'start', note: 'Kiểm tra tại chỗ' },
      { action: 'comment', note: 'Đã sao lưu dữ liệu' },
      { action: 'estimate', costEstimateVnd: 8_500_000, note: 'Báo giá kèm theo' },
    ])
      await itApi.post(`/api/v1/tickets/${tid}/actions`, a);
    console.log(
      `seeded ${TICKETS} tickets, ${fleet.count} devices and the rest in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const admin = new UiClient(s.url);
    await admin.signIn('admin', ADMIN_PASSWORD);
    const itUi = new UiClient(s.url);
    await itUi.signIn('it.thanhpho', PASSWORD);
    const head = new UiClient(s.url);
    await head.signIn('lanhdao.phuong', PASSWORD);
    const app = createApp(s.deps);
    const page2 = /href="([^"]+)" rel="next"/
      .exec((await itUi.get('/queue')).html)?.[1]
      ?.replace(/&amp;/g, '&');

    const bearer = `Bearer ${s.admin.token}`;
    const today = vnDayOf(Date.now());
    const monthStart = `${today.slice(0, 8)}01`;
    const yearAgo = vnDayOf(Date.now() - 365 * 86_400_000);
    const ward = units[0]!.code;
    const pages: { label: string; path: string; cookie: string; auth?: string }[] = [
      // Baselines on the same machine at the same moment: the figures below are best read as ratios.
      { label: 'baseline: GET /healthz', path: '/healthz', cookie: '' },
      { label: 'baseline: API GET /api/v1/units/HN', path: '/api/v1/units/HN', cookie: '', auth: bearer },
      {
        label: 'baseline: API GET /api/v1/tickets (50 newest)',
        path: '/api/v1/tickets?limit=50',
        cookie: '',
        auth: bearer,
      },
      { label: 'sign-in (anonymous)', path: '/login', cookie: '' },
      { label: 'home (admin)', path: '/', cookie: admin.cookieHeader() },
      { label: 'home (IT staff, queue panel)', path: '/', cookie: itUi.cookieHeader() },
      { label: 'home (unit head, inbox panel)', path: '/', cookie: head.cookieHeader() },
      { label: 'queue: IT, all open, page 1', path: '/queue', cookie: itUi.cookieHeader() },
      { label: 'queue: IT, page 2 (cursor)', path: page2 ?? '/queue', cookie: itUi.cookieHeader() },
      { label: 'queue: IT, one ward', path: `/queue?unit=${ward}`, cookie: itUi.cookieHeader() },
      {
        label: 'queue: IT, critical network',
        path: '/queue?category=network&severity=critical',
        cookie: itUi.cookieHeader(),
      },
      { label: 'queue: IT, assigned to me', path: '/queue?mine=1', cookie: itUi.cookieHeader() },
      { label: 'queue: unit head, own ward', path: '/queue', cookie: head.cookieHeader() },
      {
        label: 'tickets: every status, newest first',
        path: '/queue?status=all',
        cookie: itUi.cookieHeader(),
      },
      {
        label: 'tickets: closed, one ward',
        path: `/queue?status=closed&unit=${ward}`,
        cookie: itUi.cookieHeader(),
      },
      { label: 'ticket page (timeline, approval)', path: `/tickets/${tid}`, cookie: itUi.cookieHeader() },
      { label: 'approvals inbox (busiest ward)', path: '/approvals', cookie: head.cookieHeader() },
      { label: 'matrix grid', path: '/matrix', cookie: itUi.cookieHeader() },
      { label: `fleet: city, 126 communes, ${fleet.count} PCs`, path: '/fleet', cookie: itUi.cookieHeader() },
      {
        label: 'fleet: busiest ward (PCs, tickets, windows)',
        path: `/fleet/units/${ward}`,
        cookie: itUi.cookieHeader(),
      },
      { label: 'fleet: unit head, own ward', path: '/fleet', cookie: head.cookieHeader() },
      {
        label: 'device page (7-day history chart)',
        path: `/fleet/devices/${fleet.deviceId}?period=7d`,
        cookie: itUi.cookieHeader(),
      },
      { label: 'maintenance windows', path: '/fleet/windows', cookie: itUi.cookieHeader() },
      {
        label: 'check policy (inherited values)',
        path: `/admin/policy/${ward}`,
        cookie: itUi.cookieHeader(),
      },
      {
        label: 'check policy of one PC (lineage)',
        path: `/fleet/devices/${fleet.deviceId}/policy`,
        cookie: itUi.cookieHeader(),
      },
      { label: 'SLA report: city, this month, 126 wards', path: '/reports', cookie: itUi.cookieHeader() },
      {
        label: 'SLA report: city, this quarter, by category',
        path: '/reports?period=this_quarter&by=category',
        cookie: itUi.cookieHeader(),
      },
      {
        label: 'SLA report: city, last 366 days',
        path: `/reports?period=custom&from=${yearAgo}&to=${today}`,
        cookie: itUi.cookieHeader(),
      },
      { label: 'SLA report: unit head, own ward', path: '/reports', cookie: head.cookieHeader() },
      {
        label: 'SLA report API: CSV, city, this month',
        path: '/api/v1/reports/sla?from=' + monthStart + '&to=' + today + '&format=csv',
        cookie: '',
        auth: bearer,
      },
      { label: 'unit tree: city, 50 of 126', path: '/admin/units', cookie: admin.cookieHeader() },
      { label: 'users, 50 of 203', path: '/admin/users', cookie: admin.cookieHeader() },
      { label: 'enrollment, 50 of 300', path: '/admin/enrollment', cookie: admin.cookieHeader() },
    ];

    console.log(
      `tickets: ${TICKETS}; rounds per page: ${ROUNDS} (after ${WARMUP} warm-up), sequential, in process`,
    );
    console.log('| page | p50 ms | p95 ms | max ms | HTML KiB | gzip KiB |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const p of pages) {
      if (ONLY && !p.label.includes(ONLY) && !p.label.startsWith('baseline')) continue;
      const headers: Record<string, string> = {};
      if (p.cookie) headers.cookie = p.cookie;
      if (p.auth) headers.authorization = p.auth;
      const req = () => app.request(`${s.url}${p.path}`, { headers });
      let html = '';
      for (let i = 0; i < WARMUP; i++) html = await (await req()).text();
      const times: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const t1 = performance.now();
        const res = await req();
        const body = await res.text();
        times.push(performance.now() - t1);
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
