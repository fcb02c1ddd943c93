/**
 * The outpost image's size: the image the Docker tests run, assembled from packages/outpost/Dockerfile's
 * instructions by the tests' own builder (core/test/integrations/docker/support/outpost-image.ts) and
 * loaded into a private dockerd, whose `docker image inspect` gives its size. Needs root and dockerd.
 */
import { importOutpostImage } from '../../../core/test/integrations/docker/support/outpost-image.ts';
import { dockerdUnavailable, startDockerd } from '../../../core/test/integrations/docker/support/dockerd.ts';
import { type BenchCase, type CaseReport, fixed, markdownTable } from '../bench-case.ts';

async function run(): Promise<CaseReport> {
  const unavailable = dockerdUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dockerd = await startDockerd([], { bridge: false });
  try {
    await importOutpostImage(dockerd, 'palisade-outpost:bench');
    const bytes = Number(
      (await dockerd.docker('image', 'inspect', '--format', '{{.Size}}', 'palisade-outpost:bench')).trim(),
    );
    return {
      title: 'Outpost image size',
      table: markdownTable(
        ['image', 'size MiB'],
        [['packages/outpost/Dockerfile (as the tests assemble it)', fixed(bytes / 2 ** 20, 1)]],
      ),
      notes: [
        'The Node.js binary and its shared libraries, the workspace packages the Dockerfile copies and their production dependencies.',
      ],
      targets: [],
      data: { bytes },
    };
  } finally {
    await dockerd.stop();
  }
}

/** The outpost-image case. */
export const outpostImage: BenchCase = {
  name: 'outpost-image',
  summary: 'size of the outpost image built from packages/outpost/Dockerfile (needs root and dockerd)',
  tools: [],
  run,
};
