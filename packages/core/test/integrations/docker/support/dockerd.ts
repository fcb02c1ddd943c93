import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A private Docker daemon for a test file: its own socket, data root and exec root under /tmp. */
export interface TestDockerd {
  socket: string;
  dir: string;
  /** Runs the docker CLI against this daemon. */
  docker(...args: string[]): Promise<string>;
  /** A container's output, stdout and stderr, for a failure message. */
  logs(container: string): Promise<string>;
  stop(): Promise<void>;
}

/** Why dockerd cannot run here (not root, not installed), or undefined when it can. */
export function dockerdUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'dockerd needs root';
  if (!existsSync('/usr/sbin/dockerd')) return 'dockerd is not installed (.ci/run installs docker.io)';
  return undefined;
}

async function waitFor(check: () => Promise<boolean>, what: string, child: ChildProcess, log: () => string) {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited early:\n${log()}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up in 15 s:\n${log()}`);
}

/** Starts dockerd; `extra` adds flags (a TLS listener, no bridge). */
export async function startDockerd(
  extra: string[] = [],
  options: { bridge?: boolean } = {},
): Promise<TestDockerd> {
  // Short paths: a unix socket path is limited to 108 bytes.
  const dir = await mkdtemp(join(tmpdir(), 'pdk-'));
  const socket = join(dir, 'd.sock');
  const args = [
    '--host',
    `unix://${socket}`,
    '--data-root',
    join(dir, 'data'),
    '--exec-root',
    join(dir, 'exec'),
    '--pidfile',
    join(dir, 'd.pid'),
    ...(options.bridge === false ? ['--bridge', 'none', '--iptables=false'] : []),
    ...extra,
  ];
  const child = spawn('/usr/sbin/dockerd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  const docker = async (...cli: string[]) => (await run('docker', ['-H', `unix://${socket}`, ...cli])).stdout;
  await waitFor(
    async () => (await docker('version', '--format', '{{.Server.Version}}')).length > 0,
    'dockerd',
    child,
    () => output,
  );
  return {
    socket,
    dir,
    docker,
    async logs(container) {
      const { stdout, stderr } = await run('docker', ['-H', `unix://${socket}`, 'logs', container]);
      return `${stdout}${stderr}`.slice(-4000);
    },
    async stop() {
      await docker('rm', '-f', ...(await docker('ps', '-aq')).split('\n').filter(Boolean)).catch(() => '');
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

export { waitFor };
