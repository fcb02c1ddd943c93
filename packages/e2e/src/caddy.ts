import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runForeground } from './wait.ts';

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
  const service = await runForeground(
    'caddy',
    ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    port,
    { env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } },
  );
  return {
    port,
    stop: async () => {
      await service.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `caddy validate` on a Caddyfile exactly as given (no global block of ours: automatic HTTPS stays as
 * the snippet leaves it), then answers the JSON `caddy adapt` makes of it, to read what Caddy would listen
 * on. Caddy's data and config folders are a temp folder, so nothing reaches the system trust store.
 */
export async function checkCaddy(
  caddyfile: string,
): Promise<{ apps: { http?: { servers?: Record<string, { listen?: string[] }> } } }> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-caddy-check-'));
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
  const file = join(dir, 'Caddyfile');
  try {
    await writeFile(file, caddyfile);
    const run = promisify(execFile);
    try {
      await run('caddy', ['validate', '--config', file, '--adapter', 'caddyfile'], { env });
    } catch (error) {
      const failed = error as { stderr?: string; message: string };
      throw new Error(
        `caddy validate refused the Caddyfile:\n${failed.stderr ?? failed.message}\n${caddyfile}`,
        {
          cause: error,
        },
      );
    }
    const { stdout } = await run('caddy', ['adapt', '--config', file, '--adapter', 'caddyfile'], { env });
    return JSON.parse(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
