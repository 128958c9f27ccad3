/**
 * Sealing a value so it can pass through the browser unreadable and untouchable: AES-256-GCM with a
 * random IV and "additional data" binding it to one purpose and one session. Used to carry a new
 * enrollment token across the post-redirect-get to the one page that shows it once (ADR 0602).
 */

import { fromBase64Url, randomBytes, toBase64Url } from '../security/crypto.js';
import type { CryptoKeyOf } from './secrets.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export async function seal(key: CryptoKeyOf, value: unknown, boundTo: string): Promise<string> {
  const iv = randomBytes(12);
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: enc.encode(boundTo) },
    key,
    enc.encode(JSON.stringify(value)),
  );
  const out = new Uint8Array(12 + ct.byteLength);
  out.set(iv, 0);
  out.set(new Uint8Array(ct), 12);
  return toBase64Url(out);
}

/** The sealed value, or undefined when it was tampered with, bound to something else, or malformed. */
export async function unseal<T>(key: CryptoKeyOf, sealed: string, boundTo: string): Promise<T | undefined> {
  try {
    const raw = fromBase64Url(sealed);
    if (raw.length < 13) return undefined;
    const pt = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(raw.slice(0, 12)), additionalData: enc.encode(boundTo) },
      key,
      new Uint8Array(raw.slice(12)),
    );
    return JSON.parse(dec.decode(pt)) as T;
  } catch {
    return undefined;
  }
}
