/**
 * One agent process per data folder: two writers would hand out the same seqs. A lock file holds
 * the owner's pid and the time the machine booted; a lock left by a process that no longer exists
 * (a crash, a power cut) is taken over. The boot time matters after a power cut: pids start again
 * from low numbers and the old pid may belong to some other program by now.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';

export class LockedError extends Error {
  constructor(readonly pid: number) {
    super(`data folder locked by pid ${pid}`);
  }
}

const bootedAt = () => Date.now() - os.uptime() * 1000;

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
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
  const [pidText, bootText] = text.split(/\s+/);
  const pid = Number(pidText);
  // Written in an earlier boot: stale, whatever process has that pid now.
  if (bootText !== undefined && Math.abs(Number(bootText) - bootedAt()) > 120_000) return undefined;
  return alive(pid) && pid !== process.pid ? pid : undefined;
}

/** Takes the lock or throws LockedError; returns the release function. */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid} ${Math.round(bootedAt())}\n`);
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
