import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { TestDockerd } from './dockerd.ts';
import { copyNode, importTar, REPO } from './test-image.ts';

const run = promisify(execFile);

/** The packages the `palisade outpost` command loads (packages/outpost/Dockerfile copies the same four). */
const PACKAGES = ['core', 'outpost', 'schema', 'x509'];

/** The production dependencies of those packages, as npm resolved them here: top-most folders only. */
async function productionModules(): Promise<string[]> {
  const { stdout } = await run(
    'npm',
    ['ls', '--omit=dev', '--all', '--parseable', ...PACKAGES.flatMap((p) => ['-w', `@palisade/${p}`])],
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
 * from node:24-slim (the Node 24 binary, production dependencies, the four workspace packages under
 * /palisade, user `node`, the same ENTRYPOINT and HEALTHCHECK), assembled as a root filesystem from this
 * checkout and loaded with `docker import`. Tests set their own health-check timings on the container.
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
    const modules = await productionModules();
    const sources = ['package.json', ...PACKAGES.map((p) => `packages/${p}`), ...modules];
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
      [
        'ENV NODE_ENV=production',
        'ENV PATH=/usr/local/bin:/usr/bin:/bin',
        'WORKDIR /palisade',
        'USER node',
        'EXPOSE 9000 9443 9300',
        'HEALTHCHECK --interval=5s --timeout=5s --start-period=3s --retries=20 CMD ["node", "packages/core/bin/palisade.ts", "outpost", "healthcheck"]',
        'ENTRYPOINT ["node", "packages/core/bin/palisade.ts", "outpost"]',
      ],
      tag,
    );
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
