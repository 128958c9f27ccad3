/**
 * Form posts: the body read once with a size limit (URL-encoded only), turned into the plain object
 * the shared zod schema expects, validated with friendly per-field messages in the reader's language,
 * and service failures turned back into messages on the form for re-rendering.
 */
import type { z } from 'zod';
import { ApiError, type FieldError, msgIn } from '../http/problem.js';
import { readBodyLimited } from '../http/validate.js';
import { formatNumber } from './format.js';
import type { Dict, Lang } from './i18n/index.js';
import type { UiCtx } from './ui-env.js';

/** Forms here are small; a bigger body is not one of ours. */
export const MAX_FORM_BYTES = 64 * 1024;

/** The forms that carry a document: the matrix editor posts the whole matrix (the API allows 1 MiB). */
const LARGE_FORMS: Record<string, number> = { '/matrix/edit': 3 * 1024 * 1024 };

export async function readForm(c: UiCtx): Promise<URLSearchParams> {
  const ct = (c.req.header('content-type') ?? '').toLowerCase();
  const bytes = await readBodyLimited(c, LARGE_FORMS[c.req.path] ?? MAX_FORM_BYTES);
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

/** The form's values as typed, for re-rendering (never the password). */
export function valuesOf(
  form: URLSearchParams,
  names: readonly string[],
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const n of names) out[n] = form.get(n) ?? undefined;
  return out;
}

type Issue = z.core.$ZodIssue;

/** One zod issue as a person would want to hear it, in their language. */
function issueMessage(i: Issue, t: Dict, lang: Lang): string {
  const f = t.forms;
  switch (i.code) {
    case 'invalid_type':
      if (i.expected === 'string') return f.required;
      if (i.expected === 'int') return f.wholeNumber;
      return i.expected === 'number' ? f.notANumber : f.invalid;
    case 'too_small':
      if (i.origin === 'string') return Number(i.minimum) <= 1 ? f.required : f.minLength(Number(i.minimum));
      if (i.origin === 'array') return f.required;
      return f.atLeast(formatNumber(Number(i.minimum), lang));
    case 'too_big':
      if (i.origin === 'string') return f.maxLength(Number(i.maximum));
      return f.atMost(formatNumber(Number(i.maximum), lang));
    case 'invalid_format':
      return f.badFormat;
    case 'invalid_value':
      return f.chooseFromList;
    default:
      return f.invalid;
  }
}

/**
 * Validates a form's values with the API's own schema. On failure throws a 422 whose field messages
 * are already the reader's (marked `localised`), and whose summary is the UI's "fix the fields".
 */
export function validateForm<S extends z.ZodType>(
  schema: S,
  value: unknown,
  t: Dict,
  lang: Lang,
): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const errors: FieldError[] = r.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: issueMessage(i, t, lang),
  }));
  throw new ApiError('validation_failed', t.common.formHasErrors, { errors, localised: true });
}

export interface FormFailure {
  status: 409 | 422 | 403 | 404 | 429;
  /** The message for the whole form (the service's own words, in the reader's language). */
  message: string;
  /** Field name → message, for the fields the error names. */
  fields: Record<string, string>;
}

/**
 * The failure a form should show, or undefined when the error is not about the form's content (those
 * go to the error page). Service field messages are for API clients (English): on the form the field
 * is marked and points at the summary, which carries the service's explanation in the reader's
 * language. `inputCodes` adds codes that, for this form, can only come from what was typed (a unit
 * code that is unknown, 404, or outside the caller's scope, 403): they are reported on `field`.
 */
export function formFailure(
  err: unknown,
  t: Dict,
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
  for (const e of err.extra.errors ?? []) {
    const path = e.path === '' && opts.field ? opts.field : e.path;
    if (!(path in fields)) fields[path] = err.extra.localised ? e.message : t.forms.seeSummary;
  }
  return { status: err.code === 'conflict' ? 409 : 422, message, fields };
}
