/**
 * Crash-safe small files: write a temporary file, fsync it, rename it over the old one, fsync the
 * folder. After a crash the file is either the old version or the new one, never half of each.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

const isWindows = process.platform === 'win32';

/**
 * Synchronous on purpose: these files are a few hundred bytes on a local disk, and the agent
 * writes one per report; fs/promises' FileHandle round trips cost more CPU than the write.
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  opts: {
    mode?: number;
    durable?: boolean /** Temporary name, when several processes may write the file. */;
    tmp?: string;
  } = {},
): Promise<void> {
  const tmp = opts.tmp ?? `${path}.tmp`;
  const fd = openSync(tmp, 'w', opts.mode ?? 0o600);
  try {
    const buf = Buffer.from(data, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (opts.durable !== false) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  await renameRetrying(tmp, path);
  if (opts.durable !== false) fsyncDir(dirOf(path));
}

/**
 * On Windows a rename fails with EPERM/EBUSY while another process (often an antivirus scanner)
 * has the target open; it clears within milliseconds, so retry briefly instead of failing a write.
 */
export async function renameRetrying(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!isWindows || attempt >= 8 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw e;
      await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
    }
  }
}

/** Makes a created, renamed or deleted entry durable. Windows has no directory fsync (NTFS journals it). */
export function fsyncDir(dir: string): void {
  if (isWindows) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? (i === 0 ? '/' : '.') : path.slice(0, i);
}
