import type { ChildProcess } from 'node:child_process';
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
