import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestDockerd } from './dockerd.ts';

const run = promisify(execFile);
/** The repository root and the Node 24 binary the devDependency `node` installed. */
export const REPO = resolve(import.meta.dirname, '../../../../../..');
const NODE = join(REPO, 'node_modules/node/bin/node');

/** Copies the Node binary to `<root>/<at>` and the shared libraries `ldd` lists for it to their paths. */
export async function copyNode(root: string, at: string): Promise<void> {
  await mkdir(join(root, dirname(at)), { recursive: true });
  await copyFile(NODE, join(root, at));
  const { stdout } = await run('ldd', [NODE]);
  for (const lib of stdout.match(/\/\S+/g) ?? []) {
    await mkdir(join(root, dirname(lib)), { recursive: true });
    await copyFile(lib, join(root, lib));
  }
}

/** `docker import` of `tar -c <args>` with Dockerfile-style `changes`, tagged `tag`. */
export async function importTar(
  dockerd: TestDockerd,
  tarArgs: string[],
  changes: string[],
  tag: string,
): Promise<void> {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  await run('sh', [
    '-c',
    `tar -c ${tarArgs.map(quote).join(' ')} | docker -H unix://${dockerd.socket} import ${changes.map((c) => `-c ${quote(c)}`).join(' ')} - ${tag}`,
  ]);
}

// Answers 204 on the outpost ping path on 9300 (and 9000), prints its environment; the health check fails
// while /tmp/unhealthy exists, which a fresh start clears.
const SERVER = `
const fs = require('node:fs');
const http = require('node:http');
try { fs.unlinkSync('/tmp/unhealthy'); } catch {}
console.log(JSON.stringify(process.env));
const handler = (q, s) => { s.statusCode = q.url === '/outpost.goauthentik.io/ping' ? (fs.existsSync('/tmp/unhealthy') ? 503 : 204) : 404; s.end(); };
http.createServer(handler).listen(9300);
http.createServer(handler).listen(9000);
`;
const HEALTH = `
require('node:http').get('http://127.0.0.1:9300/outpost.goauthentik.io/ping', (r) => process.exit(r.statusCode === 204 ? 0 : 1)).on('error', () => process.exit(1));
`;

/**
 * Builds the outpost stand-in image without a registry: a root filesystem of the Node binary, the shared
 * libraries `ldd` lists for it, and the two scripts above, loaded with `docker import`.
 */
export async function importTestImage(dockerd: TestDockerd, tag: string): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'pdk-rootfs-'));
  try {
    await copyNode(root, 'bin/node');
    await mkdir(join(root, 'app'));
    await mkdir(join(root, 'tmp'));
    await writeFile(join(root, 'app/server.js'), SERVER);
    await writeFile(join(root, 'app/health.js'), HEALTH);
    const changes = [
      'CMD ["/bin/node", "/app/server.js"]',
      'HEALTHCHECK --interval=1s --retries=2 CMD ["/bin/node", "/app/health.js"]',
    ];
    await importTar(dockerd, ['-C', root, '.'], changes, tag);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
