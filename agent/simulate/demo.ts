/**
 * `npm run demo`: the whole product on one machine. Starts the server on a fresh demo database,
 * builds a Hanoi-like unit tree from the real 2025 list (city + wards/communes; `--levels 3` adds
 * the former districts), creates a user for every role, enrolls a simulated fleet of counter PCs,
 * and injects faults over the first minutes — a scanner unplugged, a disk filling, the city's
 * public-service portal down from several wards, a whole ward offline — narrating in the terminal
 * the tickets that open, group, route and recover. Everything goes through the public HTTP API.
 *
 *   npm run demo -- [--port 8787] [--levels 2|3] [--units 8] [--pcs 3] [--interval-sec 10]
 *                   [--time-scale 1] [--minutes N] [--lang vi|en]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonLogger } from '../../server/logger.js';
import { type RunningServer, startServer } from '../../server/start.js';
import { detectLang, type Lang } from '../i18n.js';
import { registerEquipment } from './demo-equipment.js';
import { type Fleet, startFleet, type VirtualAgent } from './fleet.js';
import { districtCode, type HanoiUnit, loadHanoiUnits, pickUnits } from './hanoi-units.js';

export interface DemoOptions {
  port: number;
  levels: 2 | 3;
  units: number;
  pcs: number;
  intervalSec: number;
  /** Multiplies every time in the scenario (0.2 = five times faster; tests use it). */
  timeScale: number;
  lang: Lang;
  dataDir: string;
  print: (line: string) => void;
}

export interface RunningDemo {
  url: string;
  server: RunningServer;
  fleet: Fleet;
  accounts: { username: string; password: string; role: string; unit: string }[];
  /** Tickets seen so far by the narrator, by id. */
  tickets: Map<string, Ticket>;
  stop(): Promise<void>;
}

interface Ticket {
  id: string;
  number: number;
  title: string;
  unitCode: string;
  category: string;
  severity: string;
  status: string;
  handler: { role: string; unitCode: string };
  parentId?: string;
}

const pw = () => randomBytes(9).toString('base64url');

/** A tiny JSON client for the public API (the demo uses nothing else). */
class Api {
  constructor(
    readonly base: string,
    private token?: string,
  ) {}
  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  async login(username: string, password: string): Promise<Api> {
    const r = await this.call<{ token: string }>('POST', '/api/v1/auth/login', { username, password });
    return new Api(this.base, r.token);
  }
}

const T = {
  start: {
    vi: (url: string) =>
      `\n=== onestop-care — bản trình diễn ===\nMở ${url} trong trình duyệt (giao diện) hoặc dùng API ${url}/api/v1/… với một tài khoản dưới đây.\n` +
      `Nên xem: ${url}/queue (hàng đợi phiếu), ${url}/fleet (tình trạng máy quầy), ${url}/approvals (phê duyệt chi phí, đăng nhập lãnh đạo).`,
    en: (url: string) =>
      `\n=== onestop-care — demo ===\nOpen ${url} in a browser (web UI) or call ${url}/api/v1/… with one of the accounts below.\n` +
      `Worth a look: ${url}/queue (ticket queue), ${url}/fleet (counter PCs' health), ${url}/approvals (cost approvals, as a unit head).`,
  },
  accounts: { vi: 'Tài khoản (mật khẩu chỉ hiện một lần):', en: 'Accounts (passwords are shown once):' },
  tree: {
    vi: (n: number, pcs: number, s: number) =>
      `Cây đơn vị: Thành phố Hà Nội (01) và ${n} phường/xã thật; ${pcs} máy tính quầy mô phỏng, báo cáo mỗi ${s} giây.`,
    en: (n: number, pcs: number, s: number) =>
      `Unit tree: Hà Nội city (01) and ${n} real wards/communes; ${pcs} simulated counter PCs reporting every ${s} s.`,
  },
  watch: {
    vi: 'Theo dõi phiếu sửa chữa bên dưới (Ctrl+C để dừng).',
    en: 'Watch the repair tickets below (Ctrl+C to stop).',
  },
  opened: {
    vi: (t: Ticket, parent?: Ticket) =>
      `PHIẾU #${t.number} mở: ${t.title} — ${t.unitCode}, ${t.category}/${t.severity}, giao ${t.handler.role} @ ${t.handler.unitCode}${parent ? ` (gộp dưới phiếu #${parent.number})` : ''}`,
    en: (t: Ticket, parent?: Ticket) =>
      `TICKET #${t.number} opened: ${t.title} — ${t.unitCode}, ${t.category}/${t.severity}, routed to ${t.handler.role} @ ${t.handler.unitCode}${parent ? ` (grouped under #${parent.number})` : ''}`,
  },
  changed: {
    vi: (t: Ticket, from: string) => `Phiếu #${t.number}: ${from} → ${t.status}`,
    en: (t: Ticket, from: string) => `Ticket #${t.number}: ${from} → ${t.status}`,
  },
  grouped: {
    vi: (t: Ticket, parent: Ticket) =>
      `Phiếu #${t.number} được gộp dưới phiếu #${parent.number} (cùng nguyên nhân)`,
    en: (t: Ticket, parent: Ticket) => `Ticket #${t.number} grouped under #${parent.number} (same cause)`,
  },
  end: {
    vi: 'Hết kịch bản. Đội máy mô phỏng vẫn báo cáo; đăng nhập để xem thiết bị, phiếu và lịch sử. Ctrl+C để dừng.',
    en: 'Scenario over. The simulated fleet keeps reporting; sign in to look at devices, tickets and history. Ctrl+C to stop.',
  },
};

/** The faults, in order; times are seconds from the fleet's start (× timeScale). */
function scenario(units: HanoiUnit[], byUnit: (code: string) => VirtualAgent[]) {
  const u = (i: number) => units[Math.min(i, units.length - 1)]!;
  const last = units[units.length - 1]!;
  const portalUnits = units.slice(1, Math.min(units.length - 1, 6));
  const pc = (unit: HanoiUnit, i: number) => byUnit(unit.code)[i % Math.max(1, byUnit(unit.code).length)]!;
  return [
    {
      at: 20,
      vi: `Máy quét hồ sơ ở quầy 1 của ${u(0).name} bị rút ra. Sau 3 báo cáo liên tiếp thiếu máy quét, một phiếu "peripheral" sẽ mở cho cán bộ CNTT.`,
      en: `The document scanner at counter 1 of ${u(0).name} is unplugged. After 3 reports in a row without it, a "peripheral" ticket opens for IT staff.`,
      run: () => pc(u(0), 0).pc.unplugged.add('máy quét'),
    },
    {
      at: 40,
      vi: `Ổ C: ở quầy 2 của ${u(1).name} đang đầy dần (một phần mềm ghi nhật ký không giới hạn). Dưới 10% trống: phiếu mức nhẹ; dưới 5%: mức nặng.`,
      en: `Drive C: at counter 2 of ${u(1).name} is filling up (a runaway log). Below 10% free: a minor ticket; below 5%: major.`,
      run: () => pc(u(1), 1).pc.fillDisk(4, 98),
    },
    {
      at: 70,
      vi: `Cổng Dịch vụ công Hà Nội không truy cập được từ ${portalUnits.length} phường/xã (${portalUnits.map((x) => x.name).join(', ')}). Thay vì một phiếu cho mỗi máy, một phiếu "upstream" mở ở cấp thành phố và gộp các lỗi lại.`,
      en: `Hanoi's public-service portal is unreachable from ${portalUnits.length} wards (${portalUnits.map((x) => x.name).join(', ')}). Instead of one ticket per PC, one "upstream" ticket opens at the city and groups them.`,
      run: () => {
        for (const x of portalUnits) for (const a of byUnit(x.code)) a.pc.targetsDown.add('dvc-ha-noi');
      },
    },
    {
      at: 100,
      vi: `Mất điện/mất mạng ở ${last.name}: mọi máy của đơn vị im lặng. Sau 3 chu kỳ không báo cáo, một phiếu "site offline" mở cho cả đơn vị, các máy là phiếu con.`,
      en: `Power or network cut at ${last.name}: every PC there goes silent. After 3 silent intervals one "site offline" ticket opens for the unit, its PCs as children.`,
      run: () => Promise.all(byUnit(last.code).map((a) => a.silence())),
    },
    {
      at: 200,
      vi: 'Cổng Dịch vụ công Hà Nội hoạt động lại: phiếu upstream và các phiếu con tự phục hồi sau 3 báo cáo tốt.',
      en: "Hanoi's portal is back: the upstream ticket and its children recover after 3 good reports.",
      run: () => {
        for (const x of portalUnits) for (const a of byUnit(x.code)) a.pc.targetsDown.delete('dvc-ha-noi');
      },
    },
    {
      at: 230,
      vi: `Máy quét ở ${u(0).name} được cắm lại.`,
      en: `The scanner at ${u(0).name} is plugged back in.`,
      run: () => pc(u(0), 0).pc.unplugged.clear(),
    },
    {
      at: 260,
      vi: `${last.name} có điện/mạng trở lại: các máy báo cáo lại, gửi cả những báo cáo đã lưu.`,
      en: `${last.name} is back on line: its PCs report again.`,
      run: () => {
        for (const a of byUnit(last.code)) a.wake();
      },
    },
    {
      at: 290,
      vi: `Một thanh RAM bị tháo khỏi máy quầy 1 của ${u(2).name}. Tác tử kiểm kê lại phần cứng; trang thiết bị ghi nhận thay đổi (không tự mở phiếu: sửa chữa hay mất trộm là việc người xem xét).`,
      en: `A RAM module is taken out of counter 1's PC at ${u(2).name}. The agent takes the inventory again; the device page records the change (no ticket by itself: repair or theft is for a person to judge).`,
      run: () => pc(u(2), 0).pc.removeRamModule(),
    },
    {
      at: 320,
      vi: `Cán bộ CNTT dọn ổ C: ở ${u(1).name}.`,
      en: `IT staff clean up drive C: at ${u(1).name}.`,
      run: () => pc(u(1), 1).pc.cleanDisk(),
    },
    { at: 380, vi: T.end.vi, en: T.end.en, run: () => {} },
  ];
}

export async function runDemo(o: DemoOptions): Promise<RunningDemo> {
  const say = (line: string) => o.print(line);
  rmSync(o.dataDir, { recursive: true, force: true });
  mkdirSync(o.dataDir, { recursive: true });
  const adminPassword = pw();
  const server = await startServer({
    env: {
      PORT: String(o.port),
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${join(o.dataDir, 'onestop-demo.db')}`,
      ROOT_UNIT_CODE: '01',
      ROOT_UNIT_NAME: 'Thành phố Hà Nội',
      ORG_LEVELS: o.levels === 3 ? 'city,district,commune' : 'city,commune',
      AGENT_INTERVAL_SEC: String(o.intervalSec),
      ADMIN_PASSWORD: adminPassword,
      LOG_LEVEL: 'warn',
    },
    logger: jsonLogger('warn'),
    print: () => {},
  });
  const anon = new Api(server.url);
  const admin = await anon.login('admin', adminPassword);

  // ---- the unit tree -----------------------------------------------------------------------------
  const units = pickUnits(loadHanoiUnits(), o.units);
  const parentOf = new Map<string, string>();
  if (o.levels === 3) {
    const districts = [...new Set(units.map((u) => u.formerDistrict ?? 'Quận Ba Đình'))];
    for (const d of districts) {
      await admin.call('POST', '/api/v1/units', {
        code: districtCode(d),
        name: d,
        level: 'district',
        parentCode: '01',
      });
    }
    for (const u of units) parentOf.set(u.code, districtCode(u.formerDistrict ?? 'Quận Ba Đình'));
  }
  for (const u of units)
    await admin.call('POST', '/api/v1/units', {
      code: u.code,
      name: u.name,
      level: 'commune',
      parentCode: parentOf.get(u.code) ?? '01',
    });

  // ---- people --------------------------------------------------------------------------------------
  const accounts: RunningDemo['accounts'] = [
    { username: 'admin', password: adminPassword, role: 'admin', unit: '01' },
  ];
  const want: RunningDemo['accounts'] = [
    { username: 'it.thanhpho', password: pw(), role: 'it_staff', unit: '01' },
    { username: 'lanhdao.thanhpho', password: pw(), role: 'unit_head', unit: '01' },
    { username: 'xem.thanhpho', password: pw(), role: 'viewer', unit: '01' },
    { username: `it.${units[0]!.code}`, password: pw(), role: 'it_staff', unit: units[0]!.code },
    ...units.map((u) => ({ username: `truong.${u.code}`, password: pw(), role: 'unit_head', unit: u.code })),
  ];
  await Promise.all(
    want.map((a) =>
      admin.call('POST', '/api/v1/users', {
        username: a.username,
        password: a.password,
        displayName: displayName(a, units),
        roles: [{ role: a.role, unitCode: a.unit }],
      }),
    ),
  );
  accounts.push(...want);

  // ---- what counters must have and reach (the targets are the server's defaults) --------------------
  await admin.call('PUT', '/api/v1/units/01/policy', {
    intervalSec: o.intervalSec,
    peripherals: {
      expected: [
        { kind: 'scanner', label: 'Máy quét hồ sơ', match: { nameIncludes: 'CanoScan', vendorId: '04a9' } },
        { kind: 'printer', label: 'Máy in một cửa', match: { nameIncludes: 'LaserJet' } },
        {
          kind: 'rating_device',
          label: 'Thiết bị đánh giá hài lòng',
          match: { vendorId: '0483', productId: '5750' },
        },
      ],
    },
  });

  // ---- the fleet ---------------------------------------------------------------------------------
  const specs = [];
  for (const u of units) {
    const tok = await admin.call<{ token: string }>('POST', `/api/v1/units/${u.code}/enrollment-tokens`, {
      maxUses: o.pcs,
      expiresInHours: 24,
    });
    for (let i = 1; i <= o.pcs; i++)
      specs.push({
        enrollmentToken: tok.token,
        hostname: `MC-${u.code}-${String(i).padStart(2, '0')}`,
        unitCode: u.code,
      });
  }
  // Each report delivered at once, whatever the (possibly compressed) interval: the narration is live.
  const fleet = await startFleet({
    server: server.url,
    agents: specs,
    dataRoot: join(o.dataDir, 'fleet'),
    minDeliveryMs: 0,
  });

  // ---- the equipment register and the standard (the fleet's PCs are in it already) ------------------
  const equipment = await registerEquipment(admin, units, { pcs: o.pcs, lang: o.lang, url: server.url });

  // ---- narration ---------------------------------------------------------------------------------
  const t0 = Date.now();
  const stamp = () => {
    const s = Math.floor((Date.now() - t0) / 1000);
    return `[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}]`;
  };
  say(T.start[o.lang](server.url));
  say(T.tree[o.lang](units.length, specs.length, o.intervalSec));
  say(T.accounts[o.lang]);
  for (const a of accounts)
    say(`  ${a.username.padEnd(20)} ${a.password.padEnd(14)} ${a.role.padEnd(10)} @ ${a.unit}`);
  for (const line of equipment.lines) say(line);
  say(T.watch[o.lang]);

  const timers: NodeJS.Timeout[] = [];
  for (const step of scenario(units, (code) => fleet.byUnit(code))) {
    timers.push(
      setTimeout(
        () => {
          say(`${stamp()} ▶ ${step[o.lang]}`);
          void Promise.resolve(step.run()).catch((e) => say(`${stamp()} ! ${(e as Error).message}`));
        },
        step.at * 1000 * o.timeScale,
      ),
    );
  }

  const tickets = new Map<string, Ticket>();
  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      const page = await admin.call<{ items: Ticket[] }>('GET', '/api/v1/tickets?limit=500');
      for (const t of [...page.items].sort((a, b) => a.number - b.number)) {
        const seen = tickets.get(t.id);
        if (!seen)
          say(`${stamp()} ● ${T.opened[o.lang](t, t.parentId ? tickets.get(t.parentId) : undefined)}`);
        else if (seen.status !== t.status) say(`${stamp()}   ${T.changed[o.lang](t, seen.status)}`);
        const parent = t.parentId
          ? (tickets.get(t.parentId) ?? page.items.find((p) => p.id === t.parentId))
          : undefined;
        if (seen && parent && seen.parentId !== t.parentId)
          say(`${stamp()}   ${T.grouped[o.lang](t, parent)}`);
        tickets.set(t.id, t);
      }
    } catch (e) {
      say(`${stamp()} ! ${(e as Error).message}`);
    } finally {
      polling = false;
    }
  };
  const poller = setInterval(poll, Math.max(500, 3000 * o.timeScale));

  return {
    url: server.url,
    server,
    fleet,
    accounts,
    tickets,
    stop: async () => {
      clearInterval(poller);
      for (const t of timers) clearTimeout(t);
      await fleet.stop();
      await server.close();
    },
  };
}

function displayName(a: { role: string; unit: string }, units: HanoiUnit[]): string {
  const unitName =
    a.unit === '01' ? 'Thành phố Hà Nội' : (units.find((u) => u.code === a.unit)?.name ?? a.unit);
  const role =
    { admin: 'Quản trị', it_staff: 'Cán bộ CNTT', unit_head: 'Lãnh đạo', viewer: 'Theo dõi' }[a.role] ??
    a.role;
  return `${role} — ${unitName}`;
}

// ---- command line --------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8787' },
      levels: { type: 'string', default: '2' },
      units: { type: 'string', default: '8' },
      pcs: { type: 'string', default: '3' },
      'interval-sec': { type: 'string', default: '10' },
      'time-scale': { type: 'string', default: '1' },
      minutes: { type: 'string' },
      lang: { type: 'string' },
      'data-dir': { type: 'string', default: 'data/demo' },
    },
    strict: true,
  });
  const lang: Lang = v.lang === 'en' || v.lang === 'vi' ? v.lang : detectLang(process.env);
  const demo = await runDemo({
    port: Number(v.port),
    levels: v.levels === '3' ? 3 : 2,
    units: Math.max(4, Number(v.units)),
    pcs: Math.max(1, Number(v.pcs)),
    intervalSec: Math.max(1, Number(v['interval-sec'])),
    timeScale: Number(v['time-scale']) > 0 ? Number(v['time-scale']) : 1,
    lang,
    dataDir: v['data-dir']!,
    print: (l) => console.log(l),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await demo.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (v.minutes) setTimeout(stop, Number(v.minutes) * 60_000);
}

if (/simulate[\\/]demo\.(ts|js|mjs)$/.test(process.argv[1] ?? '')) {
  main().catch((e) => {
    console.error(`demo: ${(e as Error).stack ?? e}`);
    process.exit(1);
  });
}
