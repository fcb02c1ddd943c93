import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The package bin, run as a user runs it. */
export const PALISADE_BIN = join(import.meta.dirname, '..', '..', 'bin', 'palisade.ts');
const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/** What a finished `palisade` command printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

// A clean environment: the test runner's own PALISADE_* variables must not leak into the command.
function cleanEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PALISADE_LOG_LEVEL: 'silent',
    ...env,
  };
}

/** Runs `palisade ...args` to completion with `env` and optional stdin. */
export async function runPalisade(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [PALISADE_BIN, ...args], {
    cwd: REPO_ROOT,
    env: cleanEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.on('error', () => {}); // the command may exit without reading stdin
  child.stdin.end(options.stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout, stderr };
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

/** A `palisade server` child process. */
export interface ServerChild {
  url: string;
  pid: number;
  output(): string;
  /** Sends SIGTERM and resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `palisade server` on a free loopback port and resolves once it says it is running. */
export async function startPalisadeServer(env: Record<string, string>): Promise<ServerChild> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [PALISADE_BIN, 'server'], {
    cwd: REPO_ROOT,
    env: cleanEnv({ PALISADE_LISTEN__HTTP: `127.0.0.1:${port}`, PALISADE_LISTEN__METRICS: '', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not up after 30 s:\n${output}`)), 30_000);
    const onData = () => {
      if (!output.includes('Palisade is running')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
