/**
 * A real VNC server for the RAC tests: Xvfb on a free display, x11vnc on a free loopback port with a VNC
 * password, and X clients drawn on it (xmessage, a coloured window; xev, which prints the keys it gets).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../../core/test/integrations/docker/support/remote.ts';

const run = promisify(execFile);

/** Why the VNC server cannot run here, or undefined. */
export const vncUnavailable = () =>
  existsSync('/usr/bin/Xvfb') && existsSync('/usr/bin/x11vnc')
    ? undefined
    : 'Xvfb or x11vnc is not installed (.ci/run installs xvfb and x11vnc)';

/** A running display with its VNC server. */
export interface VncServer {
  display: string;
  port: number;
  width: number;
  height: number;
  /** Starts an X client on the display (stopped with the server). */
  client(command: string, args: string[]): ChildProcess & { output(): string };
  stop(): Promise<void>;
}

const waitFor = async (what: string, check: () => boolean, ms = 10_000) => {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > ms) throw new Error(`${what} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** A display number no X server holds. */
function freeDisplay(): number {
  for (let n = 90 + Math.floor(Math.random() * 100); n < 400; n++)
    if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return n;
  throw new Error('no free X display');
}

/** Starts Xvfb (width×height, 24 bit) and x11vnc asking for `password`; files go in `dir`. */
export async function startVncServer(dir: string, password: string, width = 640, height = 480) {
  const children: ChildProcess[] = [];
  const n = freeDisplay();
  const display = `:${n}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp'], {
    stdio: 'ignore',
  });
  children.push(xvfb);
  await waitFor('Xvfb', () => existsSync(`/tmp/.X11-unix/X${n}`));
  const passwd = join(dir, 'vncpasswd');
  await run('x11vnc', ['-storepasswd', password, passwd]);
  const port = await freePort();
  const vnc = spawn(
    'x11vnc',
    ['-display', display, '-rfbport', String(port), '-localhost', '-rfbauth', passwd, '-forever', '-shared'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(vnc);
  let log = '';
  vnc.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  vnc.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  await waitFor('x11vnc', () => log.includes(`PORT=${port}`));
  const server: VncServer = {
    display,
    port,
    width,
    height,
    client(command, args) {
      const child = spawn(command, args, {
        env: { ...process.env, DISPLAY: display },
        stdio: ['ignore', 'pipe', 'pipe'],
      }) as ChildProcess & { output(): string };
      let output = '';
      child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      child.output = () => output;
      children.push(child);
      return child;
    },
    async stop() {
      for (const child of children.reverse()) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill();
        await exited;
      }
    },
  };
  return server;
}
