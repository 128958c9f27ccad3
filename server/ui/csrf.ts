/**
 * CSRF protection for every form post of the UI (ADR 0601): a synchronizer token bound to who is
 * posting. Signed in, the binding is the session id; not signed in (the sign-in and language forms),
 * it is a random pre-session cookie. The token is HMAC(server key, binding), so the server stores
 * nothing per form, a token from one session is worthless in another, and signing out invalidates it.
 */

import { timingSafeEqual, toBase64Url } from '../security/crypto.js';
import type { CryptoKeyOf } from './secrets.js';

/** HttpOnly cookie that binds anonymous forms (sign-in) to this browser. */
export const PRE_SESSION_COOKIE = 'onestop_pre';
/** Name of the hidden form field; fetch-based enhancements may send the `x-csrf-token` header instead. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const enc = new TextEncoder();

export function sessionBinding(sessionId: string): string {
  return `session:${sessionId}`;
}

export function preSessionBinding(nonce: string): string {
  return `pre:${nonce}`;
}

export async function csrfToken(key: CryptoKeyOf, binding: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(binding));
  return toBase64Url(new Uint8Array(mac));
}

export async function csrfValid(key: CryptoKeyOf, binding: string, presented: string | undefined | null) {
  if (!presented || presented.length > 100) return false;
  return timingSafeEqual(presented, await csrfToken(key, binding));
}

/** Pre-session nonces are ours only if they look like ours (22+ base64url characters). */
export function plausibleNonce(v: string | undefined): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{22,64}$/.test(v);
}
