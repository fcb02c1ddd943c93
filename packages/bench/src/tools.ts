/**
 * The Debian programs the benchmarks drive (nginx, Caddy, wrk, FreeRADIUS): found on PATH, else installed with apt-get
 * when running as root, else a clear error saying what to install.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Tool } from './bench-case.ts';

const run = promisify(execFile);

/** The Debian package of each tool. */
const PACKAGES: Record<Tool, string> = {
  nginx: 'nginx',
  caddy: 'caddy',
  wrk: 'wrk',
  freeradius: 'freeradius',
};

/** Tools of `wanted` that are not on PATH. */
export async function missingTools(wanted: Iterable<Tool>): Promise<Tool[]> {
  const missing: Tool[] = [];
  for (const tool of new Set(wanted)) {
    const found = await run('sh', ['-c', `command -v ${tool}`]).then(
      () => true,
      () => false,
    );
    if (!found) missing.push(tool);
  }
  return missing;
}

/** Makes sure every tool is there; installs the missing ones as root, else throws naming them. */
export async function ensureTools(wanted: Iterable<Tool>, log: (line: string) => void): Promise<void> {
  const missing = await missingTools(wanted);
  if (missing.length === 0) return;
  const packages = missing.map((tool) => PACKAGES[tool]);
  if (process.getuid?.() !== 0) {
    throw new Error(
      `the benchmarks need ${missing.join(', ')}; install them first: sudo apt-get install -y ${packages.join(' ')}`,
    );
  }
  log(`installing ${packages.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env });
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env });
  const still = await missingTools(missing);
  if (still.length > 0) throw new Error(`apt-get did not install ${still.join(', ')}`);
}
