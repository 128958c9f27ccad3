/**
 * Crash-safe small files: write a temporary file, fsync it, rename it over the old one, fsync the
 * folder. After a crash the file is either the old version or the new one, never half of each.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';

const isWindows = process.platform === 'win32';

export async function writeFileAtomic(
  path: string,
  data: string,
  opts: { mode?: number; durable?: boolean } = {},
): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', opts.mode ?? 0o600);
  try {
    await fh.writeFile(data, 'utf8');
    if (opts.durable !== false) await fh.sync();
  } finally {
    await fh.close();
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
      await rename(from, to);
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
