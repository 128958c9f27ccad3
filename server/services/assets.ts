/**
 * The equipment register: create, change, list and read assets; the status timeline; PCs with an agent
 * registered automatically; peripherals agents see offered for confirmation; a fault reported from a
 * scanned label. API, UI, import and jobs all go through these functions.
 */
import { and, desc, eq, inArray, isNull, lt, notInArray, or, sql } from 'drizzle-orm';
import type { AssetKind, AssetStatus } from '../../shared/enums.js';
import type {
  AssetCreate,
  AssetDetail,
  AssetFaultReport,
  AssetListQuery,
  AssetStatusChange,
  AssetUpdate,
  AssetView,
} from '../../shared/schemas/assets.js';
import type { TicketView } from '../../shared/schemas/tickets.js';
import {
  type AssetRow,
  assetAtVersion,
  assetById,
  assetByTag,
  assetOfDevice,
  assetView,
  assetViews,
  unitNamesOf,
  warrantyNote,
} from '../db/repos/assets.js';
import { scopeCondition, underPath, unitByCode, unitById } from '../db/repos/units.js';
import { assetEvents, assets, devices, peripheralsSeen, suppliers, tickets, units } from '../db/schema.js';
import type { Db, WriteTx } from '../db/write-model.js';
import type { AppDeps } from '../deps.js';
import { ASSET_KIND_LABELS } from '../domain/asset-kinds.js';
import { allowed, scopeOf } from '../domain/scope.js';
import { fail } from '../errors.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { newId, randomBytes } from '../security/crypto.js';
import { changeAssetStatus } from './asset-status.js';
import { audit } from './audit.js';
import type { UserPrincipal } from './principal.js';
import { openTicket } from './ticket-core.js';
import { actorOf, ticketViewById } from './tickets.js';
import { unitForCaller } from './units.js';

type UnitRow = NonNullable<Awaited<ReturnType<typeof unitById>>>;

/** Label prefixes in Vietnamese (máy tính, máy quét, …): a tag says what it is at a glance. */
export const TAG_PREFIX: Record<AssetKind, string> = {
  pc: 'MT',
  scanner: 'MQ',
  printer: 'MI',
  photocopier: 'PT',
  queue_machine: 'STT',
  rating_device: 'DG',
  citizen_lookup: 'TC',
  display: 'MH',
  card_reader: 'DT',
  network: 'MG',
  ups: 'UPS',
  other: 'TB',
};

const TAG_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new label: prefix + 6 random characters (about 10⁹ per kind; a collision re-runs the write). */
export function generateTag(kind: AssetKind): string {
  const r = randomBytes(6);
  let out = '';
  for (let i = 0; i < 6; i++) out += TAG_ALPHABET[r[i]! % 32];
  return `${TAG_PREFIX[kind]}-${out}`;
}

/** Ticket category of a fault on equipment of this kind (the default matrix's categories). */
export function categoryForKind(kind: string): string {
  if (kind === 'pc' || kind === 'ups') return 'hardware';
  if (kind === 'network') return 'network';
  return 'peripheral';
}

export interface AssetActor {
  userId: string | null;
  ip?: string | null;
}

function tagTaken(tag: string) {
  return fail.conflict({
    vi: `Mã tài sản "${tag}" đã được dùng cho thiết bị khác; hãy chọn mã khác hoặc để trống để hệ thống tự sinh.`,
    en: `Asset tag "${tag}" is already used; choose another or leave it empty to have one generated.`,
  });
}

const fieldError = (path: string, vi: string, en: string) =>
  fail.invalid({ vi, en }, [{ path, message: vi }]);

/** Checks what an asset refers to (supplier, device, peripheral) and returns the resolved links. */
async function checkLinks(
  tx: Db,
  unit: UnitRow,
  input: { supplierId?: string | null; deviceId?: string | null; peripheralRef?: string | null },
  self?: AssetRow,
) {
  if (input.supplierId) {
    const s = (await tx.select().from(suppliers).where(eq(suppliers.id, input.supplierId)).limit(1))[0];
    if (!s)
      throw fieldError(
        'supplierId',
        `Không có nhà cung cấp ${input.supplierId}; hãy thêm nhà cung cấp trước.`,
        `No supplier ${input.supplierId}; add the supplier first.`,
      );
  }
  if (input.deviceId) {
    const d = (await tx.select().from(devices).where(eq(devices.id, input.deviceId)).limit(1))[0];
    if (!d || d.unitId !== unit.id)
      throw fieldError(
        'deviceId',
        `Không có máy ${input.deviceId} tại đơn vị ${unit.code}.`,
        `Device ${input.deviceId} is not at unit ${unit.code}.`,
      );
    const other = await assetOfDevice(tx, d.id);
    if (other && other.id !== self?.id)
      throw fail.conflict({
        vi: `Máy ${d.hostname} đã có trong sổ thiết bị với mã ${other.assetTag}.`,
        en: `Device ${d.hostname} is already registered as ${other.assetTag}.`,
      });
  }
  if (input.peripheralRef) {
    const [deviceId, ...rest] = input.peripheralRef.split('|');
    const key = rest.join('|');
    const seen = (
      await tx
        .select({ unitId: devices.unitId })
        .from(peripheralsSeen)
        .innerJoin(devices, eq(devices.id, peripheralsSeen.deviceId))
        .where(and(eq(peripheralsSeen.deviceId, deviceId ?? ''), eq(peripheralsSeen.key, key)))
        .limit(1)
    )[0];
    if (!seen || seen.unitId !== unit.id)
      throw fieldError(
        'peripheralRef',
        'Không tìm thấy thiết bị ngoại vi này trên các máy của đơn vị.',
        'No such peripheral is seen on the unit’s PCs.',
      );
    const other = (
      await tx.select().from(assets).where(eq(assets.peripheralRef, input.peripheralRef)).limit(1)
    )[0];
    if (other && other.id !== self?.id)
      throw fail.conflict({
        vi: `Thiết bị ngoại vi này đã có trong sổ với mã ${other.assetTag}.`,
        en: `This peripheral is already registered as ${other.assetTag}.`,
      });
  }
}

function dateOrder(input: { purchasedOn?: string | null; warrantyUntil?: string | null }) {
  if (input.purchasedOn && input.warrantyUntil && input.warrantyUntil < input.purchasedOn)
    throw fieldError(
      'warrantyUntil',
      'Ngày hết bảo hành không được trước ngày mua.',
      'The warranty cannot end before the purchase date.',
    );
}

/** What one new asset needs: its unit, the fields, and the note of its first timeline row. */
export interface NewAsset {
  unit: UnitRow;
  input: Omit<AssetCreate, 'unitCode' | 'status'> & { status?: AssetStatus };
  note?: string;
}

/** Rows per INSERT: far below SQLite's variable limit (D1's 100-parameter cap is met by the engine). */
const INSERT_CHUNK = 400;

/**
 * Records new assets and their first timeline rows in `tx` as multi-row INSERTs (an import of 2,000
 * rows is a handful of statements, which also keeps D1 under its per-request query limit). No
 * permission or link checks: callers do them.
 */
export async function insertAssets(
  tx: WriteTx,
  deps: AppDeps,
  items: readonly NewAsset[],
  actor: AssetActor,
): Promise<AssetRow[]> {
  const now = deps.clock.now();
  const rows: AssetRow[] = items.map(({ unit, input }) => ({
    id: newId(now.getTime()),
    assetTag: input.assetTag ?? generateTag(input.kind),
    unitId: unit.id,
    kind: input.kind,
    name: input.name,
    manufacturer: input.manufacturer || null,
    model: input.model || null,
    serial: input.serial || null,
    purchasedOn: input.purchasedOn ?? null,
    priceVnd: input.priceVnd ?? null,
    fundingSource: input.fundingSource || null,
    warrantyUntil: input.warrantyUntil ?? null,
    supplierId: input.supplierId ?? null,
    status: input.status ?? 'in_use',
    statusSince: now,
    deviceId: input.deviceId ?? null,
    peripheralRef: input.peripheralRef ?? null,
    notes: input.notes || null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  }));
  const events = rows.map((row, i) => ({
    id: newId(now.getTime()),
    assetId: row.id,
    at: now,
    unitId: row.unitId,
    kind: row.kind,
    fromStatus: null,
    status: row.status,
    statusSince: now,
    actorId: actor.userId,
    note: items[i]!.note ?? null,
    ticketId: null,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx.insert(assets).values(rows.slice(i, i + INSERT_CHUNK));
    await tx.insert(assetEvents).values(events.slice(i, i + INSERT_CHUNK));
  }
  return rows;
}

/**
 * Records one new asset (checking its links and tag unless `checked`) and its first timeline row.
 * Returns the row as it will be committed.
 */
export async function insertAsset(
  tx: WriteTx,
  deps: AppDeps,
  unit: UnitRow,
  input: NewAsset['input'],
  actor: AssetActor,
  opts: { checked?: boolean; note?: string } = {},
): Promise<AssetRow> {
  if (!opts.checked) {
    dateOrder(input);
    await checkLinks(tx, unit, input);
    if (input.assetTag && (await assetByTag(tx, input.assetTag))) throw tagTaken(input.assetTag);
  }
  const [row] = await insertAssets(
    tx,
    deps,
    [{ unit, input, ...(opts.note ? { note: opts.note } : {}) }],
    actor,
  );
  return row!;
}

export async function createAsset(deps: AppDeps, p: UserPrincipal, input: AssetCreate): Promise<AssetView> {
  const id = await deps.store.write(
    async (tx) => {
      const unit = await unitForCaller(tx, p, input.unitCode, 'asset.write');
      const row = await insertAsset(tx, deps, unit, input, { userId: p.userId });
      await audit(tx, {
        at: deps.clock.now(),
        actorId: p.userId,
        actorKind: 'user',
        action: 'asset.create',
        targetType: 'asset',
        targetId: row.id,
        data: { assetTag: row.assetTag, unitCode: unit.code, kind: row.kind },
        ip: p.ip ?? null,
      });
      return row.id;
    },
    { label: 'asset.create' },
  );
  return (await assetViews(deps.store.read, [(await assetById(deps.store.read, id))!], deps.clock.now()))[0]!;
}

/** An asset the caller may see (404 otherwise, as if it did not exist), with its unit. */
async function visibleAsset(
  db: Db,
  p: UserPrincipal,
  id: string,
  permission: 'asset.read' | 'asset.write' | 'asset.report',
) {
  const a = await assetById(db, id);
  const u = a ? await unitById(db, a.unitId) : undefined;
  if (!a || !u || !allowed(p.grants, 'asset.read', u))
    throw fail.notFound({ vi: `Không tìm thấy thiết bị ${id} trong sổ.`, en: `Asset ${id} not found.` });
  if (!allowed(p.grants, permission, u)) throw fail.forbidden();
  return { a, u };
}

export async function updateAsset(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
  patch: AssetUpdate,
): Promise<AssetView> {
  await deps.store.write(
    async (tx) => {
      const now = deps.clock.now();
      const { a, u } = await visibleAsset(tx, p, id, 'asset.write');
      let unit = u;
      if (patch.unitCode && patch.unitCode.toLowerCase() !== u.code.toLowerCase())
        unit = await unitForCaller(tx, p, patch.unitCode, 'asset.write');
      const next = {
        purchasedOn: patch.purchasedOn === undefined ? a.purchasedOn : patch.purchasedOn,
        warrantyUntil: patch.warrantyUntil === undefined ? a.warrantyUntil : patch.warrantyUntil,
      };
      dateOrder(next);
      await checkLinks(
        tx,
        unit,
        {
          supplierId: patch.supplierId,
          deviceId:
            patch.deviceId === undefined ? (unit.id !== u.id ? a.deviceId : undefined) : patch.deviceId,
        },
        a,
      );
      if (patch.assetTag && patch.assetTag.toLowerCase() !== a.assetTag.toLowerCase()) {
        const other = await assetByTag(tx, patch.assetTag);
        if (other && other.id !== a.id) throw tagTaken(patch.assetTag);
      }
      const set: Partial<AssetRow> = { updatedAt: now, version: a.version + 1 };
      const fields = [
        'kind',
        'name',
        'assetTag',
        'manufacturer',
        'model',
        'serial',
        'purchasedOn',
        'priceVnd',
        'fundingSource',
        'warrantyUntil',
        'supplierId',
        'deviceId',
        'notes',
      ] as const;
      for (const f of fields)
        if (patch[f] !== undefined) (set as Record<string, unknown>)[f] = patch[f] ?? null;
      if (unit.id !== u.id) set.unitId = unit.id;
      const statusChanged = patch.status !== undefined && patch.status !== a.status;
      if (statusChanged) {
        set.status = patch.status;
        set.statusSince = now;
      }
      tx.guard(
        tx.update(assets).set(set).where(assetAtVersion(a.id, a.version)),
        `asset ${a.id} v${a.version}`,
      );
      // The timeline keeps the state after every change that compliance counts (status, unit, kind).
      if (statusChanged || set.unitId || (patch.kind && patch.kind !== a.kind))
        await tx.insert(assetEvents).values({
          id: newId(now.getTime()),
          assetId: a.id,
          at: now,
          unitId: set.unitId ?? a.unitId,
          kind: set.kind ?? a.kind,
          fromStatus: a.status,
          status: set.status ?? a.status,
          statusSince: statusChanged ? now : a.statusSince,
          actorId: p.userId,
          note: patch.statusNote ?? (set.unitId ? `chuyển từ ${u.code} sang ${unit.code}` : null),
          ticketId: null,
        });
      await audit(tx, {
        at: now,
        actorId: p.userId,
        actorKind: 'user',
        action: 'asset.update',
        targetType: 'asset',
        targetId: a.id,
        data: { ...patch },
        ip: p.ip ?? null,
      });
    },
    { label: 'asset.update' },
  );
  return getAssetView(deps, id);
}

async function getAssetView(deps: AppDeps, id: string): Promise<AssetView> {
  const r = (await assetById(deps.store.read, id))!;
  return (await assetViews(deps.store.read, [r], deps.clock.now()))[0]!;
}

export async function getAsset(deps: AppDeps, p: UserPrincipal, id: string): Promise<AssetDetail> {
  const db = deps.store.read;
  const { a } = await visibleAsset(db, p, id, 'asset.read');
  const view = (await assetViews(db, [a], deps.clock.now()))[0]!;
  const tRows = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      status: tickets.status,
      title: tickets.title,
      createdAt: tickets.createdAt,
      costEstimateVnd: tickets.costEstimateVnd,
    })
    .from(tickets)
    .where(
      a.deviceId
        ? or(eq(tickets.assetId, a.id), eq(tickets.deviceId, a.deviceId))
        : eq(tickets.assetId, a.id),
    )
    .orderBy(desc(tickets.createdAt))
    .limit(200);
  const repairCostVnd = tRows
    .filter((t) => t.status === 'resolved' || t.status === 'closed')
    .reduce((s, t) => s + (t.costEstimateVnd ?? 0), 0);
  const ev = await db
    .select()
    .from(assetEvents)
    .where(eq(assetEvents.assetId, a.id))
    .orderBy(desc(assetEvents.at), sql`${assetEvents}.rowid DESC`) // same instant: insertion order
    .limit(200);
  const names = await unitNamesOf(
    db,
    ev.map((e) => e.unitId),
  );
  const history: AssetStatusChange[] = ev.map((e) => ({
    at: e.at.toISOString(),
    from: e.fromStatus,
    to: e.status,
    unitCode: names.get(e.unitId)?.code ?? '',
    by: e.actorId,
    note: e.note,
    ticketId: e.ticketId,
  }));
  return {
    ...view,
    tickets: tRows.map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })),
    repairCostVnd,
    history,
  };
}

/** Case-insensitive search over tag, name, model, serial and manufacturer (instr: no LIKE limits on D1). */
function searchCondition(q: string) {
  const needle = q.toLowerCase();
  return or(
    sql`instr(lower(${assets.assetTag}), ${needle}) > 0`,
    sql`instr(lower(${assets.name}), ${needle}) > 0`,
    sql`instr(lower(coalesce(${assets.model}, '')), ${needle}) > 0`,
    sql`instr(lower(coalesce(${assets.serial}, '')), ${needle}) > 0`,
    sql`instr(lower(coalesce(${assets.manufacturer}, '')), ${needle}) > 0`,
  );
}

export async function listAssets(deps: AppDeps, p: UserPrincipal, q: AssetListQuery) {
  const db = deps.store.read;
  const scope = scopeOf(p.grants, 'asset.read');
  let unitFilter: ReturnType<typeof sql> | undefined;
  if (q.unit) {
    const u = await unitForCaller(db, p, q.unit, 'asset.read');
    unitFilter = underPath(units.path, u.path);
  }
  const after = decodeCursor(q.cursor, 1);
  const rows = await db
    .select({ a: assets })
    .from(assets)
    .innerJoin(units, eq(units.id, assets.unitId))
    .where(
      and(
        scopeCondition(scope),
        unitFilter,
        q.kind ? eq(assets.kind, q.kind) : undefined,
        q.status ? eq(assets.status, q.status) : undefined,
        q.q ? searchCondition(q.q) : undefined,
        after ? lt(assets.id, String(after[0])) : undefined,
      ),
    )
    .orderBy(desc(assets.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const slice = rows.slice(0, q.limit).map((r) => r.a);
  return {
    items: await assetViews(db, slice, deps.clock.now()),
    nextCursor: more ? encodeCursor([slice[slice.length - 1]!.id]) : null,
  };
}

/** Peripheral kinds agents see that belong in the register (a camera or a keyboard does not). */
const REGISTER_PERIPHERALS = [
  'scanner',
  'printer',
  'queue_machine',
  'rating_device',
  'display',
  'card_reader',
];

export interface AssetSuggestion {
  peripheralRef: string;
  unitCode: string;
  deviceId: string;
  hostname: string;
  kind: AssetKind;
  name: string;
  serial: string | null;
  connected: boolean;
  lastSeenAt: string;
}

/**
 * Peripherals the unit's agents see that are not in the register yet — neither confirmed from this
 * sighting nor already registered under the same kind and serial — offered to confirm with one click.
 */
export async function assetSuggestions(
  deps: AppDeps,
  p: UserPrincipal,
  q: { unit?: string | undefined },
): Promise<{ items: AssetSuggestion[] }> {
  const db = deps.store.read;
  const scope = scopeOf(p.grants, 'asset.write');
  const u = q.unit ? await unitForCaller(db, p, q.unit, 'asset.write') : undefined;
  const rows = await db
    .select({ s: peripheralsSeen, hostname: devices.hostname, unitId: devices.unitId, code: units.code })
    .from(peripheralsSeen)
    .innerJoin(devices, eq(devices.id, peripheralsSeen.deviceId))
    .innerJoin(units, eq(units.id, devices.unitId))
    .where(
      and(
        scopeCondition(scope),
        u ? underPath(units.path, u.path) : undefined,
        isNull(devices.revokedAt),
        inArray(peripheralsSeen.kind, REGISTER_PERIPHERALS),
        sql`NOT EXISTS (SELECT 1 FROM ${assets} WHERE ${assets.peripheralRef} = ${peripheralsSeen.deviceId} || '|' || ${peripheralsSeen.key})`,
        sql`(${peripheralsSeen.serial} IS NULL OR NOT EXISTS (SELECT 1 FROM ${assets} WHERE ${assets.kind} = ${peripheralsSeen.kind} AND ${assets.serial} = ${peripheralsSeen.serial} AND ${assets.status} <> 'retired'))`,
      ),
    )
    .orderBy(desc(peripheralsSeen.lastSeenAt))
    .limit(500);
  return {
    items: rows.map((r) => ({
      peripheralRef: `${r.s.deviceId}|${r.s.key}`,
      unitCode: r.code,
      deviceId: r.s.deviceId,
      hostname: r.hostname,
      kind: r.s.kind as AssetKind,
      name: r.s.name,
      serial: r.s.serial,
      connected: r.s.connected,
      lastSeenAt: r.s.lastSeenAt.toISOString(),
    })),
  };
}

/**
 * A PC with an agent is in the register from its enrolment on: one asset per device (a unique
 * index), created in the enrolment's own write; a re-enrolment finds the existing one.
 */
export async function ensureDeviceAsset(
  tx: WriteTx,
  deps: AppDeps,
  d: { id: string; unitId: string; hostname: string },
): Promise<void> {
  if (await assetOfDevice(tx, d.id)) return;
  const unit = await unitById(tx, d.unitId);
  if (!unit) return;
  await insertAsset(
    tx,
    deps,
    unit,
    { kind: 'pc', name: d.hostname, deviceId: d.id },
    { userId: null },
    { checked: true, note: 'tự động khi máy cài tác tử đăng ký' },
  );
}

export const kindLabelVi = (k: string) => ASSET_KIND_LABELS.vi[k as AssetKind] ?? k;

/**
 * A fault reported at the counter (a scanned label): one manual ticket linked to the asset, the asset
 * set `broken`, in one write. A second report while a ticket about the asset is still live joins
 * nothing and opens nothing: it answers that ticket (409 with its id), so ten officers scanning the
 * same dead photocopier make one ticket.
 */
export async function reportAssetFault(
  deps: AppDeps,
  p: UserPrincipal,
  id: string,
  input: AssetFaultReport,
): Promise<TicketView> {
  const ticketId = await deps.store.write(
    async (tx) => {
      const now = deps.clock.now();
      const { a, u } = await visibleAsset(tx, p, id, 'asset.report');
      if (a.status === 'retired')
        throw fail.conflict({
          vi: `Thiết bị ${a.assetTag} đã thanh lý; không thể báo hỏng.`,
          en: `Asset ${a.assetTag} is retired; it cannot be reported broken.`,
        });
      const live = (
        await tx
          .select({ id: tickets.id, number: tickets.number })
          .from(tickets)
          .where(and(eq(tickets.assetId, a.id), notInArray(tickets.status, ['resolved', 'closed'])))
          .limit(1)
      )[0];
      if (live)
        throw fail.conflict(
          {
            vi: `Thiết bị ${a.assetTag} đã có phiếu sửa chữa số ${live.number} đang xử lý; hãy bổ sung ý kiến vào phiếu đó.`,
            en: `Asset ${a.assetTag} already has live ticket #${live.number}; comment on it instead.`,
          },
          { ticketId: live.id, number: live.number },
        );
      const w = await warrantyNote(tx, a, now);
      const opened = await openTicket(tx, deps, {
        unitId: u.id,
        deviceId: a.deviceId,
        assetId: a.id,
        category: categoryForKind(a.kind),
        severity: input.severity,
        source: 'manual',
        title: `${kindLabelVi(a.kind)} ${a.assetTag} (${a.name}) báo hỏng`,
        description: w ? `${input.description}\n\n${w.text}` : input.description,
        evidence: { asset: { id: a.id, assetTag: a.assetTag, kind: a.kind }, warranty: w },
        actor: actorOf(p),
        strict: true,
      });
      await changeAssetStatus(tx, deps, a, 'broken', {
        actorId: p.userId,
        note: 'báo hỏng từ nhãn QR',
        ticketId: opened.id,
      });
      return opened.id;
    },
    { label: 'asset.report' },
  );
  return ticketViewById(deps.store.read, ticketId);
}

export { assetView, changeAssetStatus, unitByCode };
