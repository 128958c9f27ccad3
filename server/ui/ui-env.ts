/** The Hono environment of the UI sub-app: the app's variables plus language, dictionary and CSRF token. */
import type { Context } from 'hono';
import { type AppEnv, type Ctx, clientIp } from '../http/context.js';
import type { Dict, Lang } from './i18n/index.js';

type AppVariables = AppEnv['Variables'];

export interface UiVariables extends AppVariables {
  lang: Lang;
  t: Dict;
  /** The CSRF token every form on the page must carry. */
  csrf: string;
  /** The parsed body of a form post (read once by the CSRF check, reused by the handler). */
  form: URLSearchParams | undefined;
  /** A session cookie came in but no longer names a live session. */
  sessionExpired: boolean;
}

export interface UiEnv {
  Variables: UiVariables;
}

export type UiCtx = Context<UiEnv>;

/** The client address, by the app's own rule (`clientIp` only reads deps and headers, which UiEnv has). */
export function ipOf(c: UiCtx): string | undefined {
  return clientIp(c as unknown as Ctx);
}
