/**
 * One typed error path: every failure becomes an `ApiError` with a code, and `onError` renders it as
 * RFC 9457 problem+json. Nothing else in the server builds error responses by hand.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_STATUS = {
  bad_request: 400,
  malformed_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<ErrorCode, { en: string; vi: string }> = {
  bad_request: { en: 'Bad request', vi: 'Yêu cầu không hợp lệ' },
  malformed_json: { en: 'Malformed JSON', vi: 'JSON sai cú pháp' },
  unauthenticated: { en: 'Authentication required', vi: 'Cần đăng nhập' },
  forbidden: { en: 'Not allowed', vi: 'Không có quyền' },
  not_found: { en: 'Not found', vi: 'Không tìm thấy' },
  method_not_allowed: { en: 'Method not allowed', vi: 'Phương thức không được hỗ trợ' },
  conflict: { en: 'Conflict', vi: 'Xung đột trạng thái' },
  payload_too_large: { en: 'Request body too large', vi: 'Dữ liệu gửi lên quá lớn' },
  unsupported_media_type: { en: 'Unsupported media type', vi: 'Kiểu nội dung không được hỗ trợ' },
  validation_failed: { en: 'Validation failed', vi: 'Dữ liệu không hợp lệ' },
  rate_limited: { en: 'Too many requests', vi: 'Quá nhiều yêu cầu' },
  internal: { en: 'Internal server error', vi: 'Lỗi máy chủ' },
  unavailable: { en: 'Service unavailable', vi: 'Dịch vụ tạm thời không sẵn sàng' },
};

export interface FieldError {
  path: string;
  message: string;
}

/** A message for people: one string, or both languages (Vietnamese first). */
export type Msg = string | { vi: string; en: string };

export function msgIn(m: Msg, lang: Lang): string {
  return typeof m === 'string' ? m : m[lang];
}

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    /** Human explanation saying what to do next. */
    readonly detail: Msg,
    readonly extra: { errors?: FieldError[]; retryAfterSec?: number; [k: string]: unknown } = {},
  ) {
    super(typeof detail === 'string' ? detail : detail.en);
    this.status = ERROR_STATUS[code];
  }
}

export type Lang = 'vi' | 'en';

/** Picks vi or en from `?lang=`, the `lang` cookie, then Accept-Language; Vietnamese by default. */
export function langOf(c: Context): Lang {
  const q = c.req.query('lang');
  if (q === 'en' || q === 'vi') return q;
  const cookie = c.req.header('cookie')?.match(/(?:^|;\s*)lang=(vi|en)/)?.[1];
  if (cookie === 'en' || cookie === 'vi') return cookie;
  const al = c.req.header('accept-language')?.toLowerCase() ?? '';
  if (al.startsWith('en')) return 'en';
  return 'vi';
}

export function problemBody(code: ErrorCode, detail: Msg, lang: Lang, extra: Record<string, unknown> = {}) {
  const { retryAfterSec: _r, ...rest } = extra;
  return {
    type: `/problems/${code.replace(/_/g, '-')}`,
    title: TITLES[code][lang],
    status: ERROR_STATUS[code],
    detail: msgIn(detail, lang),
    ...rest,
  };
}

export function problemResponse(c: Context, err: ApiError): Response {
  const body = problemBody(err.code, err.detail, langOf(c), err.extra);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json; charset=utf-8' };
  if (err.extra.retryAfterSec !== undefined)
    headers['retry-after'] = String(Math.ceil(err.extra.retryAfterSec));
  // RFC 9110: a 401 names the scheme that would work.
  if (err.status === 401) headers['www-authenticate'] = 'Bearer realm="onestop-care"';
  return new Response(JSON.stringify(body), { status: err.status, headers });
}

/** Shorthands that read like the sentence they produce. */
export const fail = {
  notFound: (what: Msg) =>
    new ApiError(
      'not_found',
      typeof what === 'string' ? { vi: `Không tìm thấy ${what}.`, en: `${what} not found.` } : what,
    ),
  forbidden: (
    detail: Msg = {
      vi: 'Vai trò của bạn không cho phép thao tác này ở đơn vị này.',
      en: 'Your roles do not allow this here.',
    },
  ) => new ApiError('forbidden', detail),
  conflict: (detail: Msg, extra: Record<string, unknown> = {}) => new ApiError('conflict', detail, extra),
  invalid: (detail: Msg, errors: FieldError[] = [], extra: Record<string, unknown> = {}) =>
    new ApiError('validation_failed', detail, { errors, ...extra }),
  unauthenticated: (
    detail: Msg = {
      vi: 'Hãy đăng nhập, hoặc gửi kèm mã hợp lệ trong tiêu đề Authorization: Bearer.',
      en: 'Sign in, or send a valid Authorization: Bearer token.',
    },
  ) => new ApiError('unauthenticated', detail),
};
