/**
 * The spool's on-disk record format and a pure scanner that tells good records from damage.
 *
 * A frame is `magic "OSR1" | seq float64 LE | length u32 LE | crc32 u32 LE | payload (UTF-8 JSON)`,
 * the CRC covering the seq bytes and the payload. The magic lets the scanner find the next record
 * after a damaged stretch (resync), so one flipped byte costs one part, not the rest of the file.
 */
import { crc32 } from 'node:zlib';

export const MAGIC = Buffer.from('OSR1', 'latin1');
export const HEADER_BYTES = 20;
/** A single report is far below this; a larger length field is damage, not a record. */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

export function encodeFrame(seq: number, payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  MAGIC.copy(frame, 0);
  frame.writeDoubleLE(seq, 4);
  frame.writeUInt32LE(body.length, 12);
  body.copy(frame, HEADER_BYTES);
  frame.writeUInt32LE(crcOf(frame, body.length), 16);
  return frame;
}

function crcOf(frame: Buffer, payloadLen: number): number {
  const seqAndPayloadStart = 4;
  // CRC over seq (8 bytes) then payload: the length and crc fields sit between them.
  const c = crc32(frame.subarray(seqAndPayloadStart, 12));
  return crc32(frame.subarray(HEADER_BYTES, HEADER_BYTES + payloadLen), c);
}

export interface FrameRef {
  seq: number;
  /** Byte offset of the frame's header in the file. */
  offset: number;
  /** Whole frame size (header + payload). */
  size: number;
}

export interface ScanResult {
  frames: FrameRef[];
  /** Stretches that are neither a valid frame nor a torn tail: to be moved to quarantine. */
  damaged: { offset: number; length: number }[];
  /** Offset where a partial last frame starts (a write cut short by a crash or power loss). */
  tornAt?: number;
}

type Probe = { kind: 'ok'; seq: number; size: number } | { kind: 'partial' } | { kind: 'bad' };

function probe(buf: Buffer, at: number): Probe {
  if (buf.length - at < HEADER_BYTES) {
    // Too short for a header: partial only if what is there is a prefix of the magic.
    const rest = buf.subarray(at, Math.min(buf.length, at + MAGIC.length));
    return MAGIC.subarray(0, rest.length).equals(rest) ? { kind: 'partial' } : { kind: 'bad' };
  }
  if (!buf.subarray(at, at + 4).equals(MAGIC)) return { kind: 'bad' };
  const len = buf.readUInt32LE(at + 12);
  if (len > MAX_PAYLOAD_BYTES) return { kind: 'bad' };
  if (at + HEADER_BYTES + len > buf.length) return { kind: 'partial' };
  const frame = buf.subarray(at, at + HEADER_BYTES + len);
  if (crcOf(frame, len) !== buf.readUInt32LE(at + 16)) return { kind: 'bad' };
  const seq = buf.readDoubleLE(at + 4);
  if (!Number.isSafeInteger(seq) || seq < 1) return { kind: 'bad' };
  return { kind: 'ok', seq, size: HEADER_BYTES + len };
}

/**
 * Splits a segment's bytes into good frames, damaged stretches and a torn tail.
 * Frames must have increasing seqs; a frame whose seq goes backwards is treated as damage
 * (it can only come from corruption that happens to carry a valid CRC, or a copied file).
 * `isTail` says whether this is the newest segment: only there can a crash leave a partial frame.
 */
export function scanFrames(buf: Buffer, isTail: boolean): ScanResult {
  const frames: FrameRef[] = [];
  const damaged: ScanResult['damaged'] = [];
  let at = 0;
  let badFrom = -1;
  let lastSeq = 0;
  const closeBad = (end: number) => {
    if (badFrom >= 0) damaged.push({ offset: badFrom, length: end - badFrom });
    badFrom = -1;
  };
  while (at < buf.length) {
    const p = probe(buf, at);
    if (p.kind === 'ok' && p.seq > lastSeq) {
      closeBad(at);
      frames.push({ seq: p.seq, offset: at, size: p.size });
      lastSeq = p.seq;
      at += p.size;
      continue;
    }
    if (isTail && (p.kind === 'partial' || isZeros(buf, at)) && !hasGoodFrameAfter(buf, at, lastSeq)) {
      // A partial frame, or the zeros a filesystem leaves when a file grew but its data never
      // reached the disk, with nothing good after it: the classic torn write of a crash. Such a
      // record was never fsynced, so it was never sent; cutting it loses nothing.
      closeBad(at);
      return { frames, damaged, tornAt: at };
    }
    if (badFrom < 0) badFrom = at;
    // Resync: look for the next magic after this position.
    const next = buf.indexOf(MAGIC, at + 1);
    at = next < 0 ? buf.length : next;
  }
  closeBad(buf.length);
  return { frames, damaged };
}

function isZeros(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

function hasGoodFrameAfter(buf: Buffer, at: number, lastSeq: number): boolean {
  for (let next = buf.indexOf(MAGIC, at + 1); next >= 0; next = buf.indexOf(MAGIC, next + 1)) {
    const p = probe(buf, next);
    if (p.kind === 'ok' && p.seq > lastSeq) return true;
  }
  return false;
}

/** Reads the payload of a frame known to be good (from a scan). */
export function payloadOf(buf: Buffer, frameOffset: number): string {
  const len = buf.readUInt32LE(frameOffset + 12);
  return buf.toString('utf8', frameOffset + HEADER_BYTES, frameOffset + HEADER_BYTES + len);
}
