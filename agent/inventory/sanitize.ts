/**
 * Cleaning the text firmware and drivers hand us before it reaches the server: control and bidi
 * characters out, whitespace collapsed, length bounded, and the placeholders board makers leave in
 * SMBIOS ("To Be Filled By O.E.M.", "Default string", "System Serial Number", "0123456789", …)
 * turned into null — an unknown value, never a serial two PCs would share.
 */

/** C0/C1 controls, and format characters (bidi overrides, zero-width) that can disguise a value. */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** Values that say "nobody filled this in" (compared lower-case, spaces collapsed). */
const PLACEHOLDERS = new Set([
  '',
  '-',
  '--',
  '.',
  '?',
  '0',
  'n/a',
  'na',
  'none',
  'null',
  'nil',
  'undefined',
  'unknown',
  'unknow',
  'not specified',
  'not applicable',
  'not available',
  'not defined',
  'not present',
  'no asset tag',
  'no asset information',
  'asset tag',
  'asset-1234567890',
  'default',
  'default string',
  'empty',
  'invalid',
  'oem',
  'o.e.m.',
  'to be filled by o.e.m.',
  'to be filled by oem',
  'system manufacturer',
  'system product name',
  'system serial number',
  'system version',
  'system sku',
  'system name',
  'base board manufacturer',
  'base board product name',
  'base board serial number',
  'base board version',
  'baseboard serial number',
  'board serial number',
  'chassis manufacturer',
  'chassis manufacture',
  'chassis serial number',
  'chassis version',
  'type1productconfigid',
  'type1family',
  'type2 - board serial number',
  'type2 - board asset tag',
  'type2 - board vendor name1',
  'type2 - board product name1',
  'type2 - board version',
  'serial number',
  'serialnumber',
  'sku',
  'sku number',
  'x.x',
  'xxxx',
  'unknown manufacturer',
  'manufacturer',
  'product name',
  'version',
]);

/** Sequences used as fake serials: one repeated character, or counting digits. */
function isFakeSerial(s: string): boolean {
  if (s.length >= 3 && /^(.)\1+$/.test(s)) return true; // 00000000, FFFFFFFF, XXXX, ....
  return /^(0?123456789|1234567890?|12345678|0123456789abcdef)$/i.test(s);
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = s.slice(0, max);
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return out.trimEnd();
}

/**
 * A clean, bounded text value, or null when there is nothing real to say. Numbers are accepted
 * (some CIM fields arrive as numbers); anything else is null.
 */
export function text(v: unknown, max: number): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) v = String(v);
  if (typeof v !== 'string') return null;
  let s = v.normalize('NFC').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  // Some drivers pad with NULs or quote the value.
  s = s.replace(/^"(.*)"$/, '$1').trim();
  if (PLACEHOLDERS.has(s.toLowerCase()) || s.toLowerCase().includes('filled by o.e.m')) return null;
  if (isFakeSerial(s)) return null;
  s = cut(s, max);
  return s === '' ? null : s;
}

/** An integer in [min, max], or null. Accepts numeric strings ("2400"). */
export function int(v: unknown, min: number, max: number): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  const r = Math.round(n);
  return r < min || r > max ? null : r;
}

/** A number in [min, max] (rounded to `digits` decimals), or null. */
export function num(v: unknown, min: number, max: number, digits = 2): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A positive byte count (0 is "unknown" in every source we read), or null. */
export function bytes(v: unknown): number | null {
  return int(v, 1, 2 ** 60);
}

export function bool(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}

/** A four-digit hexadecimal USB id, lower-case, or null. */
export function hexId(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().replace(/^0x/i, '').toLowerCase();
  return /^[0-9a-f]{4}$/.test(s) ? s : null;
}

/** A MAC address as aa:bb:cc:dd:ee:ff, or null (all-zero addresses included). */
export function mac(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase().replace(/-/g, ':');
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(s) || s === '00:00:00:00:00:00') return null;
  return s;
}

/** A dotted IPv4 address, or null. */
export function ipv4(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  for (const p of parts) if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
  return s;
}
