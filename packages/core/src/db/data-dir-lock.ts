import { closeSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

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

/** Who holds a lock: the pid, and on Linux the process's start time, which tells a reused pid apart. */
interface LockOwner {
  pid: number;
  startTime?: string;
}

/** Lock files this process holds, so a lock naming our own pid is told apart from one left by a namesake. */
const held = new Set<string>();

/**
 * Takes the data folder for this process: PGlite files opened by two processes at once get corrupted, so
 * the second one must fail fast. The lock is a file created exclusively, holding the owner's pid (and its
 * start time, where /proc tells it). A lock whose owner no longer runs (a crash, a kill -9, a restarted
 * container whose new process got the same pid) is taken over. Resolves to the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => void> {
  const path = join(dataDir, LOCK_FILE);
  if (!tryCreate(path)) await takeOverIfStale(dataDir, path);
  held.add(path);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.delete(path);
    try {
      if (readOwner(path)?.pid === process.pid) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
}

/**
 * Creates the lock file with our identity in it, atomically: the content is written to a private file first
 * and then hard-linked into place (link fails if the name exists), so nobody ever reads a half-written lock.
 */
function tryCreate(path: string): boolean {
  const draft = `${path}.${process.pid}.tmp`;
  const self = ownStartTime();
  writeFileSync(draft, `${process.pid}\n${self === undefined ? '' : `start=${self}\n`}`, { mode: 0o600 });
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    unlinkSync(draft);
  }
}

/**
 * Replaces a stale lock, or throws DataDirInUseError when its owner lives. Deciding "stale" and replacing
 * the file are two steps: a guard file serialises them, so two processes finding the same stale lock cannot
 * both remove it (the slower one would remove the lock the faster one just took).
 */
async function takeOverIfStale(dataDir: string, path: string): Promise<void> {
  const releaseGuard = await acquireGuard(`${path}.takeover`);
  try {
    for (;;) {
      const owner = readOwner(path);
      if (owner && isRunning(owner, path)) throw new DataDirInUseError(dataDir, owner.pid);
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      // A process that found no lock at all may have created one since: then look at its owner again.
      if (tryCreate(path)) return;
    }
  } finally {
    releaseGuard();
  }
}

// A guard is held for microseconds; one older than this was left by a process that died holding it.
const GUARD_STALE_MS = 10_000;

async function acquireGuard(guard: string): Promise<() => void> {
  const deadline = Date.now() + 2 * GUARD_STALE_MS;
  for (;;) {
    try {
      closeSync(openSync(guard, 'wx', 0o600));
      return () => {
        try {
          unlinkSync(guard);
        } catch {
          // Taken for stale by another process after a long pause: it is gone either way.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) unlinkSync(guard);
    } catch {
      // Removed by its owner meanwhile: try again.
    }
    if (Date.now() > deadline) throw new Error(`could not take ${guard}`);
    await sleep(20);
  }
}

function readOwner(path: string): LockOwner | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const [first, ...rest] = text.split('\n');
  const pid = Number(first?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const startTime = rest.find((line) => line.startsWith('start='))?.slice('start='.length);
  return { pid, ...(startTime ? { startTime } : {}) };
}

/** Answers whether the lock's owner is still the process that took it. */
function isRunning(owner: LockOwner, path: string): boolean {
  // Our own pid: either we hold it, or a previous process with our pid left it (pid 1 in a container).
  if (owner.pid === process.pid) return held.has(path);
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user; it is alive.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.startTime === undefined) return true;
  const now = startTimeOf(owner.pid);
  return now === undefined || now === owner.startTime;
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), where there is /proc. */
function startTimeOf(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

let cachedOwnStartTime: string | undefined | null = null;
function ownStartTime(): string | undefined {
  if (cachedOwnStartTime === null) cachedOwnStartTime = startTimeOf('self');
  return cachedOwnStartTime;
}
