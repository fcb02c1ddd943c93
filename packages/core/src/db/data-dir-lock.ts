import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the lock file in the data folder. */
export const LOCK_FILE = 'palisade.lock';

/** The embedded database is already open in another live process. */
export class DataDirInUseError extends Error {
  readonly pid: number;
  constructor(dataDir: string, pid: number) {
    super(
      `the embedded database in ${dataDir} is in use by process ${pid} (is \`palisade server\` running? ` +
        'set PALISADE_URL and PALISADE_TOKEN to use its API)',
    );
    this.name = 'DataDirInUseError';
    this.pid = pid;
  }
}

/**
 * Takes the data folder for this process: PGlite files opened by two processes at once get corrupted, so
 * the second one must fail fast. The lock is a file created exclusively, holding the owner's pid; a lock
 * left by a process that no longer exists (a crash, a kill -9) is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (readOwner(path) === process.pid) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (owner !== undefined && owner !== process.pid && isAlive(owner))
      throw new DataDirInUseError(dataDir, owner);
    if (owner === process.pid) throw new DataDirInUseError(dataDir, owner);
    // Stale (or unreadable half-written) lock: remove it and try again.
    try {
      unlinkSync(path);
    } catch {
      // Another process removed it first; the next attempt decides.
    }
  }
  throw new Error(`could not take the lock ${path}`);
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
