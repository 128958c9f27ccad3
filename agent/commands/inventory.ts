/**
 * `onestop-agent inventory [--json]`: takes the hardware/software inventory now. Enrolled, it
 * saves it as inventory.json in the data folder, where `run` (the service) finds it and sends it
 * with its next report; `run` itself starts this command as a child at start and once a day, so
 * systeminformation never lives in the long-running process (ADR 0520). Works before enrollment
 * too (prints only). Exit 0 even when some parts could not be read (they are listed); 1 when the
 * result could not be saved.
 */
import type { Inventory } from '../../shared/schemas/agent.js';
import { t } from '../i18n.js';
import { AGENT_VERSION } from '../version.js';
import type { CommandContext } from './context.js';

const GB = 1e9;
const GIB = 1024 ** 3;

/** `8 GB` / `256,1 GB` in the reader's number format. */
function size(n: number | null | undefined, unit: number, lang: 'vi' | 'en'): string {
  if (!n) return '?';
  const v = Math.round((n / unit) * 10) / 10;
  return `${v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB')} GB`;
}

const join = (xs: (string | null | undefined)[]) => xs.filter(Boolean).join(' ');
const or = (s: string, dash = '—') => (s.trim() ? s : dash);

/** A few lines a technician at the counter can read (the full detail is in --json and on the server). */
export function inventorySummary(lang: 'vi' | 'en', inv: Inventory): string {
  const s = inv.system;
  const ram = inv.memory;
  const modules = ram?.modules?.length
    ? ` (${ram.modules.map((m) => size(m.sizeBytes, GIB, lang)).join(' + ')})`
    : '';
  return t(lang, 'inventorySummary', {
    machine: or(join([s?.manufacturer, s?.model])),
    serial: or(s?.serial ?? ''),
    bios: or(
      join([inv.bios?.vendor, inv.bios?.version, inv.bios?.releaseDate, inv.bios?.uefi ? 'UEFI' : null]),
    ),
    board: or(join([inv.baseboard?.manufacturer, inv.baseboard?.model, inv.baseboard?.serial])),
    cpu: or(
      join([
        inv.cpu?.manufacturer,
        inv.cpu?.brand,
        inv.cpu?.physicalCores ? `${inv.cpu.physicalCores}C/${inv.cpu.cores ?? '?'}T` : null,
      ]),
    ),
    ram: `${size(ram?.totalBytes, GIB, lang)}${modules}`,
    disks: or(
      (inv.disks ?? [])
        .map((d) =>
          join([d.model, size(d.sizeBytes, GB, lang), d.type, d.interface, d.serial ? `#${d.serial}` : null]),
        )
        .join('; '),
    ),
    os: or(join([inv.os?.distro, inv.os?.release, inv.os?.build, inv.os?.arch, inv.os?.hostname])),
    network: or((inv.network ?? []).map((n) => join([n.name, n.mac])).join('; ')),
    displays: or((inv.displays ?? []).map((d) => join([d.vendor, d.model, d.serial])).join('; ')),
    printers: or((inv.printers ?? []).map((p) => p.name ?? '').join('; ')),
    usb: or(
      (inv.usb ?? [])
        .map((u) => join([u.name, u.vendorId ? `${u.vendorId}:${u.productId ?? ''}` : null]))
        .join('; '),
    ),
  });
}

export async function inventoryCommand(ctx: CommandContext): Promise<number> {
  // Loaded here only: the bundle keeps it (and systeminformation) in a file of its own.
  const { collectInventory } = await import('../inventory/collect.js');
  const inv = await collectInventory({
    agentVersion: AGENT_VERSION,
    partTimeoutMs: ctx.settings.inventoryPartTimeoutMs,
  });
  const seconds = (Math.round((inv.durationMs ?? 0) / 100) / 10).toLocaleString(
    ctx.lang === 'vi' ? 'vi-VN' : 'en-GB',
  );
  let code = 0;
  let saved = false;
  if (ctx.data.isEnrolled()) {
    try {
      await ctx.data.writeInventory(inv);
      saved = true;
    } catch (e) {
      ctx.io.err(
        t(ctx.lang, 'inventorySaveFailed', { file: ctx.data.inventoryFile, detail: (e as Error).message }),
      );
      code = 1;
    }
  }
  ctx.io.out(ctx.values.json ? JSON.stringify(inv, null, 2) : inventorySummary(ctx.lang, inv));
  if (saved) ctx.io.err(t(ctx.lang, 'inventorySaved', { seconds, file: ctx.data.inventoryFile }));
  else if (code === 0) ctx.io.err(t(ctx.lang, 'inventoryNotSaved', { seconds }));
  if (inv.errors?.length)
    ctx.io.err(
      t(ctx.lang, 'inventoryPartErrors', {
        parts: inv.errors.map((e) => `${e.part} (${e.message})`).join(', '),
      }),
    );
  return code;
}
