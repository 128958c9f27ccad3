/**
 * One typed error path: every failure becomes an `ApiError` with a code, and `onError` renders it as
 * RFC 9457 problem+json. Nothing else in the server builds error responses by hand.
 */
import type { Context } from 'hono';

import { type ApiError, ERROR_STATUS, type ErrorCode, type Lang, type Msg, msgIn } from '../errors.js';

export {
  ApiError,
  ERROR_STATUS,
  type ErrorCode,
  type FieldError,
  fail,
  type Lang,
  type Msg,
  msgIn,
} from '../errors.js';

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
