/**
 * Compliance with the equipment standard at province scale (the issue's target: every figure for
 * 3,000 units and 50,000 assets in under 300 ms server-side). The real server in process over a libSQL
 * file; the register is written straight into the database in batches (50,000 API calls would take
 * minutes): a city and 3,000 counter units with declared area and officers (some small, some without
 * figures, some whose register holds only their agents' PCs), 50,000 assets of every kind (PCs by the
 * officers, scanners by the digitising officers, one photocopier, queue machine and rating device
 * mostly, printers and the rest), some broken, under repair, spare or retired; the status timeline
 * (`asset_events`) of a year of breakdowns, repairs, retirements and a few moves; `unit_facts` with
 * some units' figures changed during the year. Deterministic (seeded).
 *
 * Measures, p50 / p95 over repeated runs, the service call (`complianceFigures`, an admin principal)
 * and the HTTP GET on loopback: (a) the whole city now, (b) the city 90 days ago (the history path),
 * (c) one commune's checklist (now and 90 days ago), (d) `runComplianceTickets` over the city, the
 * first run (opening the tickets) and reruns (which must open none). Then where (a) and (b) spend
 * their time. Never asserts. `BENCH_COMPLIANCE_UNITS`, `BENCH_COMPLIANCE_ASSETS` and
 * `BENCH_COMPLIANCE_SECONDS` (time cap per measured series, default 5) scale it.
 */
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import type { LibsqlStore } from '../../../server/db/libsql.js';
import { unitByCode } from '../../../server/db/repos/units.js';
import { assetEvents, assets, devices, meta, unitFacts, units } from '../../../server/db/schema.js';
import { DEFAULT_STANDARD } from '../../../server/domain/equipment-standard.js';
import { newId } from '../../../server/security/crypto.js';
import { TAG_PREFIX } from '../../../server/services/assets.js';
import { authenticate } from '../../../server/services/auth.js';
import {
  complianceFigures,
  figuresView,
  registerSnapshot,
  runComplianceTickets,
} from '../../../server/services/compliance.js';
import type { UserPrincipal } from '../../../server/services/principal.js';
import type { AssetKind, AssetStatus } from '../../../shared/enums.js';
import { hanoiUnits } from '../../e2e/helpers/hanoi.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { median, percentile } from '../stats.js';

const UNITS = Number(process.env.BENCH_COMPLIANCE_UNITS ?? 3000);
const ASSETS = Number(process.env.BENCH_COMPLIANCE_ASSETS ?? 50_000);
/** Each measured series stops after this many seconds (at least MIN_RUNS runs) or MAX_RUNS runs. */
const SECONDS = Number(process.env.BENCH_COMPLIANCE_SECONDS ?? 5);
const MIN_RUNS = 5;
const MAX_RUNS = 30;
const WARMUP = 2;
const TARGET_MS = 300;

const DAY = 86_400_000;

/** A small deterministic generator, so two runs measure the same data. */
function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const MODELS: Record<AssetKind, [string, string][]> = {
  pc: [
    ['Dell', 'OptiPlex 3000 SFF'],
    ['HP', 'ProDesk 400 G7'],
    ['Lenovo', 'ThinkCentre M70t'],
    ['CMS', 'X-Media Office'],
  ],
  scanner: [
    ['Canon', 'imageFORMULA DR-C225 II'],
    ['Fujitsu', 'fi-8170'],
    ['Kodak', 'S2050'],
    ['Epson', 'DS-530 II'],
  ],
  printer: [
    ['HP', 'LaserJet Pro M404dn'],
    ['Canon', 'LBP2900'],
    ['Brother', 'HL-L2321D'],
  ],
  photocopier: [
    ['Ricoh', 'IM 2702'],
    ['Canon', 'imageRUNNER 2425'],
    ['Toshiba', 'e-STUDIO 2829A'],
  ],
  queue_machine: [['', 'Máy lấy số thứ tự cảm ứng 21,5 inch']],
  rating_device: [['', 'Thiết bị đánh giá mức độ hài lòng 10 inch']],
  citizen_lookup: [['', 'Ki-ốt tra cứu thủ tục hành chính 32 inch']],
  display: [['Samsung', 'Màn hình hiển thị số thứ tự 43 inch']],
  card_reader: [['', 'Đầu đọc căn cước gắn chip']],
  network: [
    ['DrayTek', 'Vigor2927'],
    ['TP-Link', 'TL-SG1024D'],
  ],
  ups: [['Santak', 'Blazer 1000 Pro']],
  other: [['', 'Thiết bị khác']],
};
const TAG = TAG_PREFIX;
/** What fills the register beyond the standard's kinds, by weight. */
const EXTRAS: [AssetKind, number][] = [
  ['printer', 45],
  ['card_reader', 15],
  ['network', 15],
  ['citizen_lookup', 8],
  ['display', 8],
  ['ups', 9],
];

interface SeedCounts {
  units: number;
  assets: number;
  byStatus: Record<string, number>;
  events: number;
  facts: number;
  devices: number;
  agentOnlyUnits: number;
  seconds: number;
}

/** The register of a province, straight into the database. */
export async function seedRegister(s: TestServer): Promise<SeedCounts> {
  const t0 = performance.now();
  const rand = rng(2025);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const now = Date.now();
  const goLive = now - 500 * DAY; // when the units and the first register were entered
  const yearAgo = now - 365 * DAY;
  const root = (await unitByCode(s.deps.store.read, 'HN'))!;
  const hanoi = hanoiUnits();

  const unitRows: (typeof units.$inferInsert)[] = [];
  const factRows: (typeof unitFacts.$inferInsert)[] = [];
  const assetRows: (typeof assets.$inferInsert)[] = [];
  const eventRows: (typeof assetEvents.$inferInsert)[] = [];
  const deviceRows: (typeof devices.$inferInsert)[] = [];
  const byStatus: Record<string, number> = {};
  /** Per unit: the kinds of its assets, and whether its register holds only its agents' PCs. */
  const plans: { unit: (typeof unitRows)[number]; kinds: AssetKind[]; agentOnly: boolean }[] = [];
  let agentOnlyUnits = 0;

  for (let i = 0; i < UNITS; i++) {
    const base = hanoi[i % hanoi.length]!;
    const round = Math.floor(i / hanoi.length);
    const id = newId(goLive);
    const createdAt = new Date(goLive + i * 1000);
    // Wards are busier than rural communes: more officers, more counters.
    const officers = Math.round(3 + rand() ** 1.4 * (base.type === 'phuong' ? 11 : 7));
    const digitizing = Math.max(1, Math.round(officers * (0.25 + rand() * 0.3)));
    const area = rand() < 0.12 ? 22 + Math.round(rand() * 35) / 2 : 40 + Math.round(rand() * 220) / 2;
    const figures = {
      areaM2: rand() < 0.02 ? null : area,
      officers: rand() < 0.01 ? null : officers,
      digitizingOfficers: rand() < 0.02 ? null : digitizing,
    };
    const unit = {
      id,
      code: String(10_000 + i),
      name: round === 0 ? base.name : `${base.name} ${round + 1}`,
      level: 'commune',
      parentId: root.id,
      path: `${root.path}${id}/`,
      depth: root.depth + 1,
      ...figures,
      createdAt,
      updatedAt: createdAt,
    };
    unitRows.push(unit);
    // A fifth of the units changed their figures during the year (a new officer, new premises).
    if (rand() < 0.2) {
      const before = {
        areaM2: figures.areaM2 !== null && rand() < 0.3 ? Math.max(18, figures.areaM2 - 15) : figures.areaM2,
        officers: figures.officers !== null ? Math.max(2, figures.officers - 1) : null,
        digitizingOfficers: figures.digitizingOfficers,
      };
      factRows.push({ unitId: id, at: createdAt, ...before });
      factRows.push({ unitId: id, at: new Date(yearAgo + rand() * 330 * DAY), ...figures });
    } else factRows.push({ unitId: id, at: createdAt, ...figures });

    // What the unit has (before the extras): PCs by officers, scanners by digitising officers.
    const agentOnly = rand() < 0.04; // the register not entered yet: only the agents' PCs
    if (agentOnly) agentOnlyUnits++;
    const kinds: AssetKind[] = [];
    // Usually one more PC than officers (the citizens' lookup or a spare counter), sometimes one short.
    const r0 = rand();
    const pcs = Math.max(1, officers + (r0 < 0.55 ? 1 : r0 < 0.9 ? 0 : -1));
    for (let k = 0; k < pcs; k++) kinds.push('pc');
    if (!agentOnly) {
      const scanners = Math.max(0, digitizing - (rand() < 0.22 ? 1 : 0) - (rand() < 0.05 ? 1 : 0));
      for (let k = 0; k < scanners; k++) kinds.push('scanner');
      if (rand() < 0.95) kinds.push('photocopier');
      if (rand() < 0.15) kinds.push('photocopier');
      if (rand() < 0.93) kinds.push('queue_machine');
      if (rand() < 0.9) kinds.push('rating_device');
      if (rand() < 0.3) kinds.push('rating_device');
    }
    plans.push({ unit, kinds, agentOnly });
  }

  // The extras fill the register up to ASSETS, over units with a register.
  const planned = plans.reduce((n, x) => n + x.kinds.length, 0);
  const withRegister = plans.filter((x) => !x.agentOnly);
  const totalWeight = EXTRAS.reduce((a, [, w]) => a + w, 0);
  for (let k = planned; k < ASSETS; k++) {
    let r = rand() * totalWeight;
    let kind: AssetKind = 'printer';
    for (const [x, w] of EXTRAS) {
      r -= w;
      if (r <= 0) {
        kind = x;
        break;
      }
    }
    pick(withRegister).kinds.push(kind);
  }

  for (const { unit: u, kinds, agentOnly } of plans) {
    let n = 0;
    for (const kind of kinds) {
      n++;
      // Most of the register was entered at go-live; the rest bought since (some in the last 90 days).
      const createdAt = rand() < 0.8 ? goLive + rand() * 60 * DAY : goLive + 60 * DAY + rand() * 440 * DAY;
      const id = newId(createdAt);
      const [manufacturer, model] = pick(MODELS[kind]);
      const agent = kind === 'pc' && (agentOnly || rand() < 0.6);
      let deviceId: string | null = null;
      if (agent) {
        deviceId = `bench-dev-${deviceRows.length}`;
        deviceRows.push({
          id: deviceId,
          unitId: u.id,
          hostname: `MC-${u.code}-${String(n).padStart(2, '0')}`,
          hardwareId: `HW-${deviceId}`,
          os: { platform: 'win32', release: '10.0.19045', arch: 'x64' },
          agentVersion: '0.1.0',
          enrolledAt: new Date(createdAt),
          lastSeenAt: new Date(now - rand() * 60_000),
          createdAt: new Date(createdAt),
          updatedAt: new Date(now),
        });
      }
      // The current status, and a timeline that leads to it (each row the state after the change).
      const r = rand();
      const status: AssetStatus =
        r < 0.02
          ? 'broken'
          : r < 0.035
            ? 'under_repair'
            : r < 0.065
              ? 'spare'
              : r < 0.09
                ? 'retired'
                : 'in_use';
      const from = Math.max(createdAt + DAY, yearAgo);
      const times = (k: number) =>
        Array.from({ length: k }, () => from + rand() * (now - from - 60_000)).sort((a, b) => a - b);
      let steps: { at: number; status: AssetStatus; unitId?: string }[];
      if (status === 'broken')
        steps = [{ at: createdAt, status: 'in_use' }, ...times(1).map((at) => ({ at, status }))];
      else if (status === 'under_repair') {
        const [a, b] = times(2);
        steps = [
          { at: createdAt, status: 'in_use' },
          { at: a!, status: 'broken' },
          { at: b!, status },
        ];
      } else if (status === 'retired') {
        const [a, b] = times(2);
        steps = [
          { at: createdAt, status: 'in_use' },
          { at: a!, status: 'broken' },
          { at: b!, status },
        ];
      } else if (status === 'spare')
        steps =
          rand() < 0.5
            ? [{ at: createdAt, status }]
            : [{ at: createdAt, status: 'in_use' }, ...times(1).map((at) => ({ at, status }))];
      else if (rand() < 0.15) {
        // Broke during the year and was repaired.
        const [a, b, c] = times(3);
        steps = [
          { at: createdAt, status: 'in_use' },
          { at: a!, status: 'broken' },
          { at: b!, status: 'under_repair' },
          { at: c!, status: 'in_use' },
        ];
      } else steps = [{ at: createdAt, status: 'in_use' }];
      // A few pieces were moved here from another unit during the year.
      const moved = !agent && kind !== 'pc' && rand() < 0.01;
      if (moved) {
        const other = pick(withRegister).unit.id;
        const at = times(1)[0]!;
        const last = steps.filter((x) => x.at <= at).pop()!;
        for (const x of steps) if (x.at <= at) x.unitId = other;
        steps.push({ at, status: last.status });
        steps.sort((a, b) => a.at - b.at);
      }
      let prev: AssetStatus | null = null;
      let since = createdAt;
      for (const x of steps) {
        if (x.status !== prev) since = x.at;
        eventRows.push({
          id: newId(x.at),
          assetId: id,
          at: new Date(x.at),
          unitId: x.unitId ?? u.id,
          kind,
          fromStatus: prev,
          status: x.status,
          statusSince: new Date(since),
          actorId: null,
          note: prev === null ? (agent ? 'tự động khi máy cài tác tử đăng ký' : 'nhập sổ ban đầu') : null,
          ticketId: null,
        });
        prev = x.status;
      }
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const bought = new Date(createdAt - rand() * 400 * DAY);
      assetRows.push({
        id,
        assetTag: `${TAG[kind]}-${u.code}-${String(n).padStart(3, '0')}`,
        unitId: u.id,
        kind,
        name: agent ? `MC-${u.code}-${String(n).padStart(2, '0')}` : `${model} (${u.name})`,
        manufacturer: manufacturer || null,
        model,
        serial: `SN${Math.floor(rand() * 1e9)}`,
        purchasedOn: bought.toISOString().slice(0, 10),
        priceVnd: Math.round(2 + rand() * 60) * 500_000,
        fundingSource: 'Ngân sách xã',
        warrantyUntil: new Date(bought.getTime() + 3 * 365 * DAY).toISOString().slice(0, 10),
        supplierId: null,
        status,
        statusSince: new Date(since),
        deviceId,
        peripheralRef: null,
        notes: null,
        createdAt: new Date(createdAt),
        updatedAt: new Date(steps[steps.length - 1]!.at),
        version: steps.length,
      });
    }
  }

  // Straight on the writer connection: bulk data, not a use case (the write model would record and
  // re-check every statement). Nothing else writes while the section seeds.
  const client = (s.deps.store as LibsqlStore).writerClient;
  const w = drizzle(client);
  const insert = async <T>(rows: T[], size: number, f: (chunk: T[]) => Promise<unknown>) => {
    for (let i = 0; i < rows.length; i += size) await f(rows.slice(i, i + size));
  };
  await insert(unitRows, 500, (c) => w.insert(units).values(c));
  await insert(factRows, 1000, (c) => w.insert(unitFacts).values(c));
  await insert(deviceRows, 500, (c) => w.insert(devices).values(c));
  await insert(assetRows, 1000, (c) => w.insert(assets).values(c));
  await insert(eventRows, 2000, (c) => w.insert(assetEvents).values(c));
  // The tree changed: move its stamp on, as a unit creation does.
  await w
    .insert(meta)
    .values({ key: 'units.tree', value: newId() })
    .onConflictDoUpdate({ target: meta.key, set: { value: newId() } });
  return {
    units: unitRows.length,
    assets: assetRows.length,
    byStatus,
    events: eventRows.length,
    facts: factRows.length,
    devices: deviceRows.length,
    agentOnlyUnits,
    seconds: (performance.now() - t0) / 1000,
  };
}

interface Series {
  p50: number;
  p95: number;
  n: number;
}

/** Runs `f` after a warm-up until SECONDS have passed (at least MIN_RUNS, at most MAX_RUNS times). */
async function series(f: () => Promise<unknown>): Promise<Series> {
  for (let i = 0; i < WARMUP; i++) await f();
  const xs: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  while (xs.length < MIN_RUNS || (xs.length < MAX_RUNS && performance.now() < until)) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  return { p50: median(xs), p95: percentile(xs, 95), n: xs.length };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const verdict = (x: Series) =>
  x.p95 <= TARGET_MS
    ? `meets ${TARGET_MS} ms`
    : x.p50 <= TARGET_MS
      ? `p50 meets ${TARGET_MS} ms, p95 does not`
      : `MISSES ${TARGET_MS} ms`;
const show = (label: string, x: Series, extra = '') =>
  console.log(
    `  ${label.padEnd(44)} p50 ${ms(x.p50).padStart(9)}  p95 ${ms(x.p95).padStart(9)}  (n=${x.n})  ${verdict(x)}${extra}`,
  );

async function httpGet(s: TestServer, path: string): Promise<number> {
  const get = () => fetch(s.url + path, { headers: { authorization: `Bearer ${s.admin.token}` } });
  // A pooled socket idle longer than the server's keep-alive (during the service series) may be
  // closed under the request: once more on a new one.
  const r = await get().catch(get);
  const body = await r.text();
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${body.slice(0, 200)}`);
  return body.length;
}

export async function run(): Promise<void> {
  const s = await startTestServer();
  try {
    const c = await seedRegister(s);
    console.log(
      `seeded ${c.units} counter units (${c.agentOnlyUnits} with only their agents' PCs), ${c.assets} assets ` +
        `(${Object.entries(c.byStatus)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}), ${c.events} asset_events, ${c.facts} unit_facts, ${c.devices} devices ` +
        `in ${c.seconds.toFixed(1)} s`,
    );
    const p = (await authenticate(s.deps, s.admin.token!, 'bearer')) as UserPrincipal;
    const at = new Date(Date.now() - 90 * DAY).toISOString();
    const city = await complianceFigures(s.deps, p, { unit: 'HN' });
    const then = await complianceFigures(s.deps, p, { unit: 'HN', at });
    const figures = (v: typeof city) =>
      v.requirements.map((r) => `${r.id} ${r.metUnits}/${r.totalUnits}`).join(', ');
    console.log(
      `figures now: ${city.fullyCompliantUnits}/${city.units} fully compliant; ${figures(city)}; ` +
        `out of service ${city.broken.reduce((n, b) => n + b.count, 0)}`,
    );
    console.log(
      `figures 90 days ago: ${then.fullyCompliantUnits}/${then.units} fully compliant; ${figures(then)}`,
    );
    const failing = city.requirements.find((r) => r.id === 'scanner_per_digitizing_officer')!.failing[0]!;
    const commune = failing.unitCode;
    const q = (o: Record<string, string>) => `/api/v1/compliance?${new URLSearchParams(o)}`;
    const size = {
      now: await httpGet(s, q({ unit: 'HN' })),
      at: await httpGet(s, q({ unit: 'HN', at })),
      one: await httpGet(s, q({ unit: commune })),
    };
    const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

    console.log(`target: every figure under ${TARGET_MS} ms server-side; p50 / p95 of sequential runs`);
    console.log('(a) the whole city, now');
    show('service complianceFigures', await series(() => complianceFigures(s.deps, p, { unit: 'HN' })));
    show(
      'HTTP GET /compliance?unit=HN',
      await series(() => httpGet(s, q({ unit: 'HN' }))),
      `  ${kib(size.now)}`,
    );
    console.log('(b) the whole city, 90 days ago (history)');
    show(
      'service complianceFigures at',
      await series(() => complianceFigures(s.deps, p, { unit: 'HN', at })),
    );
    show(
      'HTTP GET /compliance?unit=HN&at=',
      await series(() => httpGet(s, q({ unit: 'HN', at }))),
      `  ${kib(size.at)}`,
    );
    console.log(`(c) one commune's checklist (${commune} ${failing.unitName})`);
    show('service, now', await series(() => complianceFigures(s.deps, p, { unit: commune })));
    show('HTTP, now', await series(() => httpGet(s, q({ unit: commune }))), `  ${kib(size.one)}`);
    show('service, 90 days ago', await series(() => complianceFigures(s.deps, p, { unit: commune, at })));
    show('HTTP, 90 days ago', await series(() => httpGet(s, q({ unit: commune, at }))));

    console.log('(d) runComplianceTickets over the city');
    let t = performance.now();
    const first = await runComplianceTickets(s.deps, new Date());
    const firstMs = performance.now() - t;
    console.log(
      `  first run: opened ${first.opened}, resolved ${first.resolved}, shortfalls ${first.shortfalls} in ${ms(firstMs)}` +
        ` (${ms(firstMs / Math.max(1, first.opened))} per ticket opened)`,
    );
    const reruns: number[] = [];
    const opened: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      const r = await runComplianceTickets(s.deps, new Date());
      reruns.push(performance.now() - t);
      opened.push(r.opened);
    }
    const rerun = { p50: median(reruns), p95: percentile(reruns, 95), n: reruns.length };
    show(
      'rerun (must open 0)',
      rerun,
      `  opened ${opened.join(', ')}${opened.some((x) => x > 0) ? '  ← DUPLICATES' : ''}`,
    );

    // Where the time of (a) and (b) goes: the snapshot's SQL, then evaluate + the view in JS.
    console.log('breakdown (p50):');
    const root = (await unitByCode(s.deps.store.read, 'HN'))!;
    const std = { version: 1, requirements: DEFAULT_STANDARD.requirements };
    const db = s.deps.store.read;
    for (const [label, live, when] of [
      ['now', true, new Date()],
      ['90 days ago', false, new Date(at)],
    ] as const) {
      const snap = await registerSnapshot(db, root, when, live);
      const snapS = await series(() => registerSnapshot(db, root, when, live));
      const viewS = await series(async () => figuresView(std, root, when, snap));
      const view = figuresView(std, root, when, snap);
      const jsonS = await series(async () => JSON.stringify(view));
      console.log(
        `  ${label}: registerSnapshot ${ms(snapS.p50)}, evaluate + view ${ms(viewS.p50)}, JSON.stringify ${ms(jsonS.p50)}`,
      );
    }
    // What a result row costs to cross from libSQL into JS, whatever the query: the snapshot's cost
    // grows with the rows its SQL returns (one per unit, kind and status, ~25,000 here), not only
    // with the rows SQLite reads.
    const transfer = async (n: number) =>
      (
        await series(() =>
          db.all(sql`
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n})
            SELECT x AS a, 'scanner' AS b, 'in_use' AS c, x AS d, x AS e, x AS f FROM c`),
        )
      ).p50;
    console.log(
      `  libSQL → JS, rows of 6 columns computed by SQLite: 3,000 rows ${ms(await transfer(3000))}, ` +
        `25,000 rows ${ms(await transfer(25_000))}`,
    );
  } finally {
    await s.stop();
  }
}
