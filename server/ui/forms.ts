/**
 * Form posts: the body read once with a size limit (URL-encoded only), turned into the plain object
 * the shared zod schema expects, and failures turned back into per-field messages for re-rendering.
 */
import { ApiError, type Lang, msgIn } from '../http/problem.js';
import { readBodyLimited } from '../http/validate.js';
import type { UiCtx } from './ui-env.js';

/** Forms here are small; a bigger body is not one of ours. */
export const MAX_FORM_BYTES = 64 * 1024;

export async function readForm(c: UiCtx): Promise<URLSearchParams> {
  const ct = (c.req.header('content-type') ?? '').toLowerCase();
  const bytes = await readBodyLimited(c, MAX_FORM_BYTES);
  if (bytes.length > 0 && !ct.startsWith('application/x-www-form-urlencoded')) {
    throw new ApiError('unsupported_media_type', {
      vi: 'Biểu mẫu gửi lên không đúng định dạng. Hãy tải lại trang và gửi lại.',
      en: 'The form was not sent in the expected format. Reload the page and send it again.',
    });
  }
  return new URLSearchParams(new TextDecoder().decode(bytes));
}

/** A trimmed text field; an empty one counts as not given. */
export function text(form: URLSearchParams, name: string): string | undefined {
  const v = form.get(name)?.trim();
  return v ? v : undefined;
}

/** A numeric field: empty → not given; anything else → a number (NaN lets the schema say what is wrong). */
export function num(form: URLSearchParams, name: string): number | undefined {
  const v = text(form, name);
  if (v === undefined) return undefined;
  // Accept Vietnamese and English thousands separators and a decimal comma: "1.500" / "1,500" / "12,5".
  const normalised = /^\d{1,3}([.,]\d{3})+$/.test(v) ? v.replace(/[.,]/g, '') : v.replace(',', '.');
  return Number(normalised);
}

export interface FormFailure {
  status: 409 | 422 | 403 | 404 | 429;
  /** The message for the whole form (the service's own words, in the reader's language). */
  message: string;
  /** Field name → message, for the fields the error names. */
  fields: Record<string, string>;
}

/**
 * The failure a form should show next to its fields, or undefined when the error is not about the
 * form's content (those go to the error page). `inputCodes` adds codes that, for this form, can only
 * come from what was typed (e.g. a unit code that is unknown, 404, or outside the caller's scope, 403):
 * they are reported on `field`.
 */
export function formFailure(
  err: unknown,
  lang: Lang,
  opts: { inputCodes?: ('not_found' | 'forbidden')[]; field?: string } = {},
): FormFailure | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const message = msgIn(err.detail, lang);
  if (opts.inputCodes?.includes(err.code as 'not_found' | 'forbidden')) {
    return {
      status: err.code === 'not_found' ? 404 : 403,
      message,
      fields: opts.field ? { [opts.field]: message } : {},
    };
  }
  if (err.code !== 'validation_failed' && err.code !== 'conflict') return undefined;
  const fields: Record<string, string> = {};
  for (const e of err.extra.errors ?? []) if (!(e.path in fields)) fields[e.path] = e.message;
  return { status: err.code === 'conflict' ? 409 : 422, message, fields };
}

/**
 * Field errors in the reader's language: where the page has its own explanation of a field (the same
 * hint it shows under the label) that replaces the schema's message, which may be English-only.
 */
export function localiseFields(
  fields: Record<string, string>,
  hints: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = hints[k] ?? v;
  return out;
}

/** The form's values as typed, for re-rendering (never the password). */
export function valuesOf(
  form: URLSearchParams,
  names: readonly string[],
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const n of names) out[n] = form.get(n) ?? undefined;
  return out;
}
