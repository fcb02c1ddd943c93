import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForPort } from './wait.ts';

/** A real Caddy (Debian's) running one Caddyfile. */
export interface Caddy {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts Caddy with `sites` after a global block that keeps it local: no admin endpoint, no automatic
 * HTTPS (so no certificate authority is contacted), storage in a temp folder.
 */
export async function startCaddy(port: number, sites: string): Promise<Caddy> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-caddy-'));
  const caddyfile = `{
  admin off
  auto_https off
  storage file_system ${dir}/storage
  http_port ${port}
}
${sites}
`;
  await writeFile(join(dir, 'Caddyfile'), caddyfile);
  const child: ChildProcess = spawn(
    'caddy',
    ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    },
  );
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  await waitForPort(port, { process: child, output: () => output });
  return {
    port,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
