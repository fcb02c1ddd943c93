import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { connect } from 'node:net';

/**
 * Resolves once something accepts TCP connections on 127.0.0.1:`port`; rejects with the process's output if
 * it exits first or nothing listens within `timeoutMs`.
 */
export async function waitForPort(
  port: number,
  watch: { process: ChildProcess; output: () => string },
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (watch.process.exitCode !== null) {
      throw new Error(
        `exited with ${watch.process.exitCode} before listening on ${port}:\n${watch.output()}`,
      );
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on ${port} within ${timeoutMs} ms:\n${watch.output()}`);
}

/** A server program run in the foreground for a test. */
export interface ForegroundService {
  /** Everything it wrote so far. */
  output(): string;
  /** Sends `signal` and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `command` and resolves once it listens on `port` (rejects with its output if it doesn't). */
export async function runForeground(
  command: string,
  args: string[],
  port: number,
  options: SpawnOptions = {},
): Promise<ForegroundService> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  await waitForPort(port, { process: child, output: () => output });
  return {
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}
