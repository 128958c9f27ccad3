/**
 * The UI's server secret: 32 random bytes kept in the `meta` table (key `ui.secret`), created on first
 * use by whichever process gets there first (a guarded insert-or-ignore: the loser's write runs again
 * and reads the winner's committed secret, so every process and every Workers isolate derives the same
 * keys). Two purpose-bound keys are derived from it with HKDF: one signs CSRF tokens, one seals
 * one-time secrets shown to a person once.
 */
import { eq } from 'drizzle-orm';
import { meta } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { fromBase64Url, randomBytes, toBase64Url } from '../security/crypto.js';

/** Web Crypto's key type, named without DOM or `node:` type imports (the app also runs on Workers). */
export type CryptoKeyOf = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

export interface UiKeys {
  /** HMAC-SHA-256 key for CSRF tokens. */
  csrf: CryptoKeyOf;
  /** AES-256-GCM key for values that must pass through the browser unreadable (one-time reveals). */
  seal: CryptoKeyOf;
}

const META_KEY = 'ui.secret';
const enc = new TextEncoder();

// Keyed by the store, not a module singleton: each app instance (and each test server) has its own.
const cache = new WeakMap<Store, Promise<UiKeys>>();

export function uiKeys(store: Store): Promise<UiKeys> {
  let keys = cache.get(store);
  if (!keys) {
    keys = loadKeys(store);
    cache.set(store, keys);
    // A failed load (database briefly away) must not poison the cache for the process lifetime.
    keys.catch(() => cache.delete(store));
  }
  return keys;
}

async function loadKeys(store: Store): Promise<UiKeys> {
  const rows = await store.read.select().from(meta).where(eq(meta.key, META_KEY)).limit(1);
  let secret = rows[0]?.value;
  if (!secret) {
    const fresh = toBase64Url(randomBytes(32));
    secret = await store.write(
      async (tx) => {
        const got = await tx.select().from(meta).where(eq(meta.key, META_KEY)).limit(1);
        if (got[0]) return got[0].value;
        // Another process stored one meanwhile → the guard is lost and this runs again, finding it.
        tx.guard(tx.insert(meta).values({ key: META_KEY, value: fresh }).onConflictDoNothing(), 'ui.secret');
        return fresh;
      },
      { label: 'ui.secret' },
    );
  }
  const ikm = await crypto.subtle.importKey('raw', new Uint8Array(fromBase64Url(secret)), 'HKDF', false, [
    'deriveKey',
  ]);
  const derive = (
    info: string,
    alg: { name: 'HMAC'; hash: string; length: number } | { name: 'AES-GCM'; length: number },
    usages: ('sign' | 'encrypt' | 'decrypt')[],
  ) =>
    crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: enc.encode(info) },
      ikm,
      alg,
      false,
      usages,
    );
  const [csrf, seal] = await Promise.all([
    derive('onestop-care ui csrf v1', { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign']),
    derive('onestop-care ui seal v1', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']),
  ]);
  return { csrf, seal };
}
