import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { TestDockerd } from './dockerd.ts';
import { copyNode, importTar, REPO } from './test-image.ts';

const run = promisify(execFile);

// Instructions `docker import --change` applies, taken from the Dockerfile as written.
const IMPORTABLE = /^(ENV|WORKDIR|USER|EXPOSE|HEALTHCHECK|ENTRYPOINT|CMD) /;

/**
 * What packages/outpost/Dockerfile makes of the image: the workspace packages it copies (`COPY packages/x/
 * packages/x/`) and its ENV, WORKDIR, USER, EXPOSE, HEALTHCHECK and ENTRYPOINT instructions, so the test image
 * cannot drift from it.
 */
async function dockerfile(): Promise<{ packages: string[]; changes: string[] }> {
  const text = await readFile(join(REPO, 'packages/outpost/Dockerfile'), 'utf8');
  const instructions = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => !line.startsWith('#'));
  const packages = instructions.flatMap((line) => /^COPY packages\/([\w-]+)\/ /.exec(line)?.[1] ?? []);
  return { packages, changes: instructions.filter((line) => IMPORTABLE.test(line)).map((l) => l.trim()) };
}

/** The production dependencies of those packages, as npm resolved them here: top-most folders only. */
async function productionModules(packages: string[]): Promise<string[]> {
  const { stdout } = await run(
    'npm',
    ['ls', '--omit=dev', '--all', '--parseable', ...packages.flatMap((p) => ['-w', `@palisade/${p}`])],
    { cwd: REPO, maxBuffer: 16 * 1024 * 1024 },
  );
  const paths = [...new Set(stdout.split('\n').filter((p) => p.includes('/node_modules/')))]
    .map((p) => relative(REPO, p))
    .sort();
  // A nested node_modules folder comes with its parent package (packages/core's with packages/core).
  return paths.filter(
    (p, i) => !p.startsWith('packages/') && !paths.slice(0, i).some((parent) => p.startsWith(`${parent}/`)),
  );
}

/**
 * Builds the outpost image the Docker tests run, without a registry: what packages/outpost/Dockerfile makes
 * from node:24-slim (the Node 24 binary, the production dependencies and workspace packages it copies under
 * /palisade, its user, ENTRYPOINT and HEALTHCHECK), assembled as a root filesystem from this checkout and
 * loaded with `docker import`. Tests set their own health-check timings on the container.
 */
export async function importOutpostImage(dockerd: TestDockerd, tag: string): Promise<void> {
  const stage = await mkdtemp(join(tmpdir(), 'pdk-outpost-'));
  try {
    await copyNode(stage, 'usr/local/bin/node');
    await mkdir(join(stage, 'etc'));
    await mkdir(join(stage, 'tmp'), { mode: 0o1777 });
    await writeFile(
      join(stage, 'etc/passwd'),
      'root:x:0:0::/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n',
    );
    await writeFile(join(stage, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
    const { packages, changes } = await dockerfile();
    assert.ok(
      packages.includes('outpost') && changes.some((c) => c.startsWith('ENTRYPOINT')),
      'Dockerfile read',
    );
    const modules = await productionModules(packages);
    const sources = ['package.json', ...packages.map((p) => `packages/${p}`), ...modules];
    await importTar(
      dockerd,
      [
        '--exclude=packages/*/test',
        // Repository paths go under /palisade (the Dockerfile's WORKDIR); the stage's (./...) stay at /.
        '--transform=s,^\\(package\\.json\\|packages\\|node_modules\\),palisade/\\1,',
        '-C',
        stage,
        '.',
        '-C',
        REPO,
        ...sources,
      ],
      // node:24-slim has node on the PATH at /usr/local/bin; an imported image has no PATH of its own.
      ['ENV PATH=/usr/local/bin:/usr/bin:/bin', ...changes],
      tag,
    );
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
