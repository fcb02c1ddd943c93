import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root, where `npm start` is run. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

/** A Palisade server started as a user starts it, in its own process, on a free port and a temp data dir. */
export interface ServerProcess {
  url: string;
  /** The spawned process: npm itself for `npm start` (the server is its child). */
  pid: number;
  dataDir: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Milliseconds from spawn until the initial-setup URL was printed (undefined if it was not). */
  readyAfterMs: number | undefined;
  stop(): Promise<void>;
}

/** Finds a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * How long a server may take to come up before the harness gives up on it. This is a "it never started"
 * deadline, not a measure: a first start on a fresh machine (cold disk cache, the embedded database's
 * initdb, one core busy with the test itself) has taken over 30 s in CI. How fast Palisade starts is
 * asserted by start.test.ts.
 */
const START_DEADLINE_MS = 60_000;

/**
 * Runs `npm start` (or another command) in the repository with PALISADE_* settings, and resolves once the
 * server prints that it is running. Rejects with the process output if it exits or takes over `timeoutMs`.
 */
export async function startServerProcess(
  options: { command?: string[]; env?: Record<string, string>; timeoutMs?: number; dataDir?: string } = {},
): Promise<ServerProcess> {
  // A data folder given by the caller is the caller's to remove; one made here is removed on stop.
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'palisade-e2e-')));
  const port = await freePort();
  const [command, ...args] = options.command ?? ['npm', 'start', '--silent'];
  const started = Date.now();
  const child: ChildProcess = spawn(command ?? 'npm', args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PALISADE_DATA_DIR: dataDir,
      PALISADE_LISTEN__HTTP: `127.0.0.1:${port}`,
      // Any free port: several cores run at once in the suites, and 9300 would clash.
      PALISADE_LISTEN__METRICS: '127.0.0.1:0',
      PALISADE_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let readyAfterMs: number | undefined;
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(check);
      // A server that never came up is stopped, or it would keep the test process alive.
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      reject(new Error(`server not up after ${options.timeoutMs ?? START_DEADLINE_MS} ms:\n${output}`));
    }, options.timeoutMs ?? START_DEADLINE_MS);
    const check = setInterval(() => {
      if (/Palisade is running/.test(output)) {
        readyAfterMs = Date.now() - started;
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 25);
    child.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const stop = async () => {
    // A process killed by a signal has signalCode set and exitCode still null: either means it is gone.
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // npm start runs node as a child: signal the whole process group so neither is left behind.
      process.kill(-child.pid, 'SIGTERM');
      await exited;
      // npm exits at once on SIGTERM, while the server it started is still shutting down (closing the
      // embedded database, answering its last requests). Wait for the whole group: removing the data folder
      // under a server that still runs made its last queries fail ("could not open file base/5/…").
      await groupGone(child.pid);
    }
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
  };
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    dataDir,
    output: () => output,
    readyAfterMs,
    stop,
  };
}

/** Resolves once no process of group `pgid` is left; after 20 s the group is killed and an error thrown. */
async function groupGone(pgid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 20_000;
  while (alive()) {
    if (Date.now() > deadline) {
      process.kill(-pgid, 'SIGKILL');
      throw new Error(`the server's processes (group ${pgid}) were still running 20 s after SIGTERM`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
