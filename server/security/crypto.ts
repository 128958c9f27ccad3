/**
 * Secrets, hashes and ids with Web Crypto only, so the same code runs on Node and on Workers.
 */

const enc = new TextEncoder();

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(s: string): Uint8Array {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/**
 * A bearer secret: a recognisable prefix (so leaked tokens can be found by secret scanners and a
 * human can tell an agent token from a session) and 256 bits of randomness.
 */
export function newSecret(prefix: 'oss' | 'oda' | 'oet'): string {
  return `${prefix}_${toBase64Url(randomBytes(32))}`;
}

export async function sha256Hex(input: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(input)));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Compares two strings in time independent of where they differ (lengths are not secret here). */
export function timingSafeEqual(a: string, b: string): boolean {
  const ab = enc.encode(a);
  const bb = enc.encode(b);
  let diff = ab.length ^ bb.length;
  const n = Math.max(ab.length, bb.length);
  for (let i = 0; i < n; i++) diff |= (ab[i] ?? 0) ^ (bb[i] ?? 0);
  return diff === 0;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-style id: 48 bits of milliseconds then 80 random bits, Crockford base32, lower-cased.
 * Ids sort by creation time, which keyset pagination relies on as a tie-breaker.
 */
export function newId(nowMs: number = Date.now()): string {
  let out = '';
  let t = nowMs;
  const time: string[] = [];
  for (let i = 0; i < 10; i++) {
    time.unshift(CROCKFORD[t % 32]!);
    t = Math.floor(t / 32);
  }
  out = time.join('');
  const r = pooledRandom(16);
  for (let i = 0; i < 16; i++) out += CROCKFORD[r[i]! % 32];
  return out.toLowerCase();
}

/**
 * Ids are made for every request (request ids) and row: draw their randomness from a pool refilled
 * 4 KiB at a time, instead of one getRandomValues system call per id. Same CSPRNG, fewer calls.
 */
let pool: Uint8Array = new Uint8Array(0);
let poolAt = 0;
function pooledRandom(n: number): Uint8Array {
  if (poolAt + n > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  const out = pool.subarray(poolAt, poolAt + n);
  poolAt += n;
  return out;
}

// ---- passwords -----------------------------------------------------------------------------------

const PBKDF2 = 'pbkdf2-sha256';

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', enc.encode(password.normalize('NFC')), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** Hashes a password with PBKDF2-SHA-256; the iteration count is stored with the hash. */
export async function hashPassword(password: string, iterations: number): Promise<string> {
  const salt = randomBytes(16);
  const hash = await pbkdf2(password, salt, iterations);
  return `${PBKDF2}$${iterations}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, iter, salt, hash] = stored.split('$');
  if (alg !== PBKDF2 || !iter || !salt || !hash) return false;
  const derived = await pbkdf2(password, fromBase64Url(salt), Number(iter));
  return timingSafeEqual(toBase64Url(derived), hash);
}

/** Iterations of a stored hash, so a login can upgrade hashes made with a lower count. */
export function passwordIterations(stored: string): number {
  return Number(stored.split('$')[1] ?? 0);
}
