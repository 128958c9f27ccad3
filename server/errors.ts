/**
 * The application's error type, owned by neither transport nor UI: domain rules and services throw an
 * `ApiError` with a code and a message for people in both languages; `http/problem.ts` renders it as
 * RFC 9457 problem+json, the UI as a page. (It lived in `http/` once, so 19 services and the D1 store
 * imported transport code for their error type.)
 */
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
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

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
  readonly status: (typeof ERROR_STATUS)[ErrorCode];
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
