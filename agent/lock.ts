/**
 * One agent process per data folder: two writers would hand out the same seqs. A lock file holds
 * the owner's pid; a lock left by a process that no longer exists (a crash, a power cut) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

export class LockedError extends Error {
  constructor(readonly pid: number) {
    super(`data folder locked by pid ${pid}`);
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pid of the live process holding the lock, if any. */
export function lockHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return alive(pid) && pid !== process.pid ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock or throws LockedError; returns the release function. */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = lockHolder(path);
      if (holder) throw new LockedError(holder);
      rmSync(path, { force: true }); // stale
    }
  }
  throw new Error(`cannot take the lock ${path}`);
}
