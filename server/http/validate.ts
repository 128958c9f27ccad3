/**
 * Request parsing at the edge: content type, body size, JSON syntax and the shared zod schemas,
 * each failure mapped to its own status (415, 413, 400, 422). Handlers receive typed values only.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { ApiError, type FieldError, type Lang, langOf } from './problem.js';

const localeErrors = { vi: z.locales.vi().localeError, en: z.locales.en().localeError };

export function zodIssues(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, lang: Lang): z.infer<S> {
  const r = schema.safeParse(value, { error: localeErrors[lang] });
  if (!r.success) {
    throw new ApiError(
      'validation_failed',
      {
        vi: 'Dữ liệu gửi lên không hợp lệ; xem danh sách lỗi trong "errors".',
        en: 'The request is not valid; see "errors" for each problem.',
      },
      { errors: zodIssues(r.error) },
    );
  }
  return r.data;
}

/**
 * Reads the body as bytes without ever holding more than `maxBytes` of it: a declared length over the
 * limit is refused before reading, and a streamed body is cut off as soon as it passes the limit.
 */
export async function readBodyLimited(c: Context, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new ApiError('payload_too_large', {
      vi: `Dữ liệu gửi lên vượt quá ${maxBytes} byte; hãy chia nhỏ.`,
      en: `The body exceeds ${maxBytes} bytes; send it in smaller parts.`,
    });
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge();
  if (declared !== undefined && /^\d+$/.test(declared)) {
    // A declared length within the limit bounds the body (the HTTP parser enforces it), so read it
    // in one go: on @hono/node-server this skips building a web ReadableStream per request.
    const buf = await c.req.raw.arrayBuffer();
    if (buf.byteLength > maxBytes) throw tooLarge();
    return new Uint8Array(buf);
  }
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Read (and drop) a bounded rest of the body before answering: a 413 sent while the client is
      // still streaming resets its connection, and workerd fails the request outright.
      await drain(reader, DRAIN_BYTES);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const ch of chunks) {
    out.set(ch, off);
    off += ch.byteLength;
  }
  return out;
}

/**
 * How much more of a too-large body is read and dropped before the 413, and for how long at most
 * (a body that never ends must still get its answer); then the stream is cancelled.
 */
const DRAIN_BYTES = 8 * 1024 * 1024;
const DRAIN_MS = 250;

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, max: number): Promise<void> {
  let left = max;
  const until = Date.now() + DRAIN_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), DRAIN_MS);
  });
  try {
    while (left > 0 && Date.now() < until) {
      const next = await Promise.race([reader.read(), late]);
      if (next === 'late' || next.done) break;
      left -= next.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing to drain.
  } finally {
    clearTimeout(timer);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads a JSON body (415 without a JSON content type, 413 too large, 400 malformed), not yet validated. */
export async function jsonValue(c: Context, maxBytes: number): Promise<unknown> {
  const ct = (c.req.header('content-type') ?? '').toLowerCase();
  if (!/^application\/([a-z0-9.+-]+\+)?json\b/.test(ct)) {
    throw new ApiError('unsupported_media_type', {
      vi: 'Hãy gửi dữ liệu JSON với tiêu đề content-type: application/json.',
      en: 'Send a JSON body with content-type: application/json.',
    });
  }
  const bytes = await readBodyLimited(c, maxBytes);
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    throw new ApiError('malformed_json', {
      vi: 'Nội dung không phải JSON hợp lệ (UTF-8); hãy kiểm tra cú pháp.',
      en: 'The body is not valid JSON (UTF-8); check its syntax.',
    });
  }
}

/** Parses a JSON body (415 without a JSON content type, 413 too large, 400 malformed) then validates it. */
export async function jsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes: number,
): Promise<z.infer<S>> {
  return parseWith(schema, await jsonValue(c, maxBytes), langOf(c));
}

/** Validates the query string against a schema (422 with paths on failure). */
export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), langOf(c));
}
