/**
 * The device page's "Cấu hình phần cứng" section: the PC's latest inventory (machine, serial,
 * firmware, board, CPU, RAM modules, disks, OS, network adapters, displays, printers, USB devices)
 * and the hardware changes between inventories (ADR 0522). Everything here came from the PC, so it
 * is only ever text (hono/jsx escapes it). Disk sizes in decimal GB as printed on the disk and
 * its warranty; RAM in binary GB as the OS and the module label count it.
 */
import type { Inventory } from '../../../shared/schemas/agent.js';
import type { InventoryChangeView } from '../../services/devices.js';
import { Badge } from '../components/badge.js';
import { type Column, DataTable } from '../components/table.js';
import { formatDate, formatDateTime, formatNumber } from '../format.js';
import { labelOf } from '../i18n/index.js';
import type { PageCtx } from '../page-context.js';

type Lang = PageCtx['lang'];

/** `256,1 GB` — one decimal below 100 GB, whole numbers above (vendors round the same way). */
function gb(bytes: number | null | undefined, unit: number, lang: Lang): string {
  if (!bytes) return '—';
  const v = bytes / unit;
  return `${formatNumber(v >= 100 ? Math.round(v) : Math.round(v * 10) / 10, lang)} GB`;
}
const diskGb = (b: number | null | undefined, lang: Lang) => gb(b, 1e9, lang);
const ramGb = (b: number | null | undefined, lang: Lang) => gb(b, 1024 ** 3, lang);

const words = (...xs: (string | number | null | undefined)[]) =>
  xs.filter((x) => x !== null && x !== undefined && x !== '').join(' ');
const dash = (s: string | null | undefined) => (s ? s : '—');

/** A BIOS date as people read it (the contract has YYYY-MM-DD). */
function biosDate(d: string | null | undefined, lang: Lang): string | undefined {
  if (!d || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return undefined;
  return formatDate(new Date(`${d}T12:00:00Z`), lang);
}

type Module = NonNullable<NonNullable<Inventory['memory']>['modules']>[number];
type Disk = NonNullable<Inventory['disks']>[number];
type Nic = NonNullable<Inventory['network']>[number];
type Display = NonNullable<Inventory['displays']>[number];
type Printer = NonNullable<Inventory['printers']>[number];
type Usb = NonNullable<Inventory['usb']>[number];

function Facts({ ctx, inv }: { ctx: PageCtx; inv: Inventory }) {
  const { lang } = ctx;
  const t = ctx.t.inventory;
  const s = inv.system;
  const b = inv.bios;
  const bb = inv.baseboard;
  const c = inv.cpu;
  const m = inv.memory;
  const os = inv.os;
  const used = m?.modules?.length;
  const row = (label: string, value: string, mono = false) =>
    value ? (
      <>
        <dt>{label}</dt>
        <dd class={mono ? 'mono' : undefined}>{value}</dd>
      </>
    ) : null;
  return (
    <dl class="facts facts-tight" data-testid="inventory-facts">
      {row(
        t.machine,
        words(
          s?.manufacturer,
          s?.model,
          s?.chassis ? `(${s.chassis})` : null,
          s?.virtual ? `— ${t.virtual}` : null,
        ),
      )}
      {row(t.serial, s?.serial ?? '', true)}
      {row(t.sku, s?.sku ?? '', true)}
      {row(
        t.firmware,
        words(
          b?.vendor,
          b?.version,
          biosDate(b?.releaseDate, lang) ? t.firmwareDate(biosDate(b?.releaseDate, lang)!) : null,
          b?.uefi === true ? `· ${t.uefi}` : b?.uefi === false ? `· ${t.legacy}` : null,
        ),
      )}
      {row(
        t.baseboard,
        words(bb?.manufacturer, bb?.model, bb?.version, bb?.serial ? `· ${bb.serial}` : null),
      )}
      {row(
        t.cpu,
        words(
          c?.manufacturer,
          c?.brand,
          c?.physicalCores && c?.cores ? `· ${t.cpuCores(c.physicalCores, c.cores)}` : null,
          c?.speedGHz ? `· ${formatNumber(c.speedGHz, lang)} GHz` : null,
        ),
      )}
      {row(
        t.ram,
        words(
          m?.totalBytes ? ramGb(m.totalBytes, lang) : null,
          used !== undefined && bb?.memorySlots ? `· ${t.ramSlots(used, bb.memorySlots)}` : null,
          bb?.memoryMaxBytes ? `· ${t.ramMax(ramGb(bb.memoryMaxBytes, lang))}` : null,
        ),
      )}
      {row(
        t.os,
        words(
          os?.distro,
          os?.codename,
          os?.release,
          os?.build && os.build !== os.release ? `(${os.build})` : null,
          os?.arch,
        ),
      )}
      {row(t.hostname, os?.hostname ?? '', true)}
    </dl>
  );
}

function List<R>({ ctx, title, cols, rows }: { ctx: PageCtx; title: string; cols: Column<R>[]; rows?: R[] }) {
  if (!rows) return null; // not read this time (see the list of parts that failed)
  return (
    <>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p class="muted small">{ctx.t.inventory.noneListed}</p>
      ) : (
        <DataTable ctx={ctx} columns={cols} rows={rows} />
      )}
    </>
  );
}

function Parts({ ctx, inv }: { ctx: PageCtx; inv: Inventory }) {
  const { lang } = ctx;
  const t = ctx.t.inventory;
  const mono = (s: string | null | undefined) => (s ? <span class="mono small">{s}</span> : '—');
  const moduleCols: Column<Module>[] = [
    { header: t.slot, class: 'primary', cell: (x) => dash(x.slot) },
    { header: t.size, class: 'num', cell: (x) => ramGb(x.sizeBytes, lang) },
    { header: t.type, cell: (x) => words(x.type, x.formFactor) || '—' },
    {
      header: t.speed,
      class: 'num',
      cell: (x) => (x.speedMHz ? `${formatNumber(x.speedMHz, lang)} MHz` : '—'),
    },
    { header: t.maker, class: 'wrap', cell: (x) => dash(x.manufacturer) },
    { header: t.partNumber, cell: (x) => mono(x.partNumber) },
    { header: t.serial, cell: (x) => mono(x.serial) },
  ];
  const diskCols: Column<Disk>[] = [
    { header: t.model, class: 'primary wrap', cell: (x) => words(x.vendor, x.model) || '—' },
    { header: t.type, cell: (x) => dash(x.type) },
    { header: t.interface, cell: (x) => dash(x.interface) },
    { header: t.size, class: 'num', cell: (x) => diskGb(x.sizeBytes, lang) },
    { header: t.serial, cell: (x) => mono(x.serial) },
    { header: t.firmwareRev, cell: (x) => mono(x.firmware) },
  ];
  const nicCols: Column<Nic>[] = [
    {
      header: t.adapter,
      class: 'primary wrap',
      cell: (x) => words(x.name, x.model ? `— ${x.model}` : null) || '—',
    },
    { header: t.mac, cell: (x) => mono(x.mac) },
    {
      header: t.speed,
      class: 'num',
      cell: (x) => (x.speedMbps ? `${formatNumber(x.speedMbps, lang)} Mb/s` : '—'),
    },
    {
      header: t.type,
      cell: (x) => (x.type === 'wired' ? t.wired : x.type === 'wireless' ? t.wireless : dash(x.type)),
    },
    { header: t.ipv4, cell: (x) => mono(x.ipv4) },
    {
      header: ctx.t.common.status,
      cell: (x) =>
        x.up === undefined ? '—' : <Badge tone={x.up ? 'ok' : 'neutral'} label={x.up ? t.up : t.down} />,
    },
  ];
  const displayCols: Column<Display>[] = [
    {
      header: t.model,
      class: 'primary wrap',
      cell: (x) => (
        <>
          {words(x.vendor, x.model) || '—'}
          {x.main && <span class="muted small">{` (${t.main})`}</span>}
        </>
      ),
    },
    { header: t.serial, cell: (x) => mono(x.serial) },
    {
      header: t.resolution,
      cell: (x) => (x.widthPx && x.heightPx ? `${x.widthPx} × ${x.heightPx}` : '—'),
    },
    { header: t.connection, cell: (x) => dash(x.connection) },
    { header: t.year, class: 'num', cell: (x) => (x.year ? String(x.year) : '—') },
  ];
  const printerCols: Column<Printer>[] = [
    { header: t.model, class: 'primary wrap', cell: (x) => dash(x.name) },
    { header: t.driver, class: 'wrap', cell: (x) => dash(x.driver) },
    {
      header: t.type,
      cell: (x) =>
        words(
          x.local === true ? t.local : x.local === false ? t.networkPrinter : null,
          x.default ? `· ${t.defaultPrinter}` : null,
        ) || '—',
    },
  ];
  const usbCols: Column<Usb>[] = [
    {
      header: t.model,
      class: 'primary wrap',
      // Windows puts some makers in parentheses already: "(Standard keyboards)".
      cell: (x) => words(x.name, x.manufacturer?.replace(/^(?!\()(.*)$/, '($1)')) || '—',
    },
    { header: t.type, cell: (x) => dash(x.type) },
    { header: t.ids, cell: (x) => mono(x.vendorId ? `${x.vendorId}:${x.productId ?? ''}` : null) },
    { header: t.serial, cell: (x) => mono(x.serial) },
  ];
  return (
    <div class="readings">
      <div>
        <List ctx={ctx} title={t.modules} cols={moduleCols} rows={inv.memory?.modules} />
      </div>
      <div>
        <List ctx={ctx} title={t.disks} cols={diskCols} rows={inv.disks} />
      </div>
      <div>
        <List ctx={ctx} title={t.network} cols={nicCols} rows={inv.network} />
      </div>
      <div>
        <List ctx={ctx} title={t.displays} cols={displayCols} rows={inv.displays} />
      </div>
      <div>
        <List ctx={ctx} title={t.printers} cols={printerCols} rows={inv.printers} />
      </div>
      <div>
        <List ctx={ctx} title={t.usb} cols={usbCols} rows={inv.usb} />
      </div>
    </div>
  );
}

/** One change as a sentence: "Số sê-ri: 5XK7QH3 → 9ZZ9ZZ9", "Gỡ bỏ: ST1000DM010 1.000 GB #ZN1AB2CD". */
export function changeText(ctx: PageCtx, c: InventoryChangeView): string {
  const { lang } = ctx;
  const t = ctx.t.inventory;
  const value = (v: unknown): string => {
    if (c.field === 'totalBytes' && typeof v === 'number') return ramGb(v, lang);
    if (typeof v === 'number') return formatNumber(v, lang);
    return typeof v === 'string' ? v : '—';
  };
  const item = (v: unknown): string => {
    if (typeof v !== 'object' || v === null) return value(v);
    const x = v as Record<string, unknown>;
    const str = (k: string) => (typeof x[k] === 'string' ? (x[k] as string) : null);
    const size = typeof x.sizeBytes === 'number' ? x.sizeBytes : null;
    switch (c.component) {
      case 'memoryModule':
        return words(
          str('slot') ? `${t.slot} ${str('slot')}` : null,
          ramGb(size, lang),
          str('type'),
          str('manufacturer'),
          str('serial') ? `#${str('serial')}` : null,
        );
      case 'disk':
        return words(
          str('model'),
          diskGb(size, lang),
          str('type'),
          str('serial') ? `#${str('serial')}` : null,
        );
      default:
        return words(str('vendor'), str('model'), str('serial') ? `#${str('serial')}` : null);
    }
  };
  if (c.change === 'added') return t.added(item(c.after));
  if (c.change === 'removed') return t.removed(item(c.before));
  return t.changed(labelOf(t.fields, c.field ?? ''), value(c.before), value(c.after));
}

function Changes({ ctx, changes }: { ctx: PageCtx; changes: InventoryChangeView[] }) {
  const t = ctx.t.inventory;
  const cols: Column<InventoryChangeView>[] = [
    { header: t.when, cell: (x) => formatDateTime(new Date(x.at), ctx.lang) },
    {
      header: t.component,
      cell: (x) => (
        <Badge
          tone={x.change === 'removed' ? 'danger' : x.change === 'added' ? 'ok' : 'warn'}
          label={labelOf(t.components, x.component)}
        />
      ),
    },
    { header: t.what, class: 'primary wrap', cell: (x) => changeText(ctx, x) },
  ];
  return (
    <>
      <h3 id="inv-changes-h">{t.changes}</h3>
      <p class="muted small">{t.changesLead}</p>
      {changes.length === 0 ? (
        <p class="muted">{t.noChanges}</p>
      ) : (
        <DataTable ctx={ctx} columns={cols} rows={changes} id="inventory-changes" />
      )}
    </>
  );
}

export function InventorySection({
  ctx,
  inventory,
  inventoryAt,
  changes,
}: {
  ctx: PageCtx;
  inventory: Inventory | null;
  inventoryAt: string | null;
  changes: InventoryChangeView[];
}) {
  const t = ctx.t.inventory;
  return (
    <section class="card" aria-labelledby="inv-h" data-testid="inventory">
      <h2 id="inv-h">{t.title}</h2>
      {!inventory ? (
        <p class="muted">{t.none}</p>
      ) : (
        <>
          <p class="muted small">
            {t.takenAt(
              formatDateTime(new Date(inventoryAt ?? inventory.collectedAt), ctx.lang),
              inventory.agentVersion,
            )}
          </p>
          <Facts ctx={ctx} inv={inventory} />
          <Parts ctx={ctx} inv={inventory} />
          {inventory.errors?.length ? (
            <p class="small muted">{t.unreadable(inventory.errors.map((e) => e.part).join(', '))}</p>
          ) : null}
        </>
      )}
      {/* Without any inventory there is nothing to compare; history of an earlier one still shows. */}
      {inventory || changes.length > 0 ? <Changes ctx={ctx} changes={changes} /> : null}
    </section>
  );
}
