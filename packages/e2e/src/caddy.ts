import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
